"""Finding plugins and registering them with pluggy, one at a time.

pluggy's own ``load_setuptools_entrypoints`` stops at the first plugin that fails
to import. A clinic's broken add-on must not take triage down, so this module runs
its own loop: each failure is recorded against the plugin (distribution, version,
error) and the plugin is skipped; strict mode turns any failure into an error.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pluggy

from triage_core import hookspecs

ENTRY_POINT_GROUP = "triage"
#: The distribution whose plugins are the built-in ones. They load first, so an
#: outside plugin can never take over a built-in condition id (and knock out the
#: red flags that come with it): the newcomer is the one refused.
HOST_DISTRIBUTION = "runner-triage"
LOAD_PLUGINS_ENV = "TRIAGE_LOAD_PLUGINS"
DISABLE_PLUGINS_ENV = "TRIAGE_DISABLE_PLUGINS"

log = logging.getLogger(__name__)


@dataclass
class PluginRecord:
    """What is known about one plugin: where it came from and what became of it."""

    name: str
    source: str  # "entry point", "argument" or "rule file"
    module: str = ""
    distribution: str | None = None
    version: str | None = None
    hooks: list[str] = field(default_factory=list)
    error: str | None = None
    #: The object registered with pluggy, when it got that far.
    plugin: object | None = field(default=None, repr=False, compare=False)

    @property
    def loaded(self) -> bool:
        return self.error is None

    def fail(self, message: str) -> None:
        """Keep the first error: later ones are usually consequences of it."""
        if self.error is None:
            self.error = message


@dataclass(frozen=True)
class PluginSelection:
    """Which entry-point plugins to load, by entry-point or distribution name.

    ``load`` is an allow-list (``None``: everything installed; empty: nothing),
    ``disable`` a deny-list applied after it. Both come from the environment by
    default, like datasette's ``DATASETTE_LOAD_PLUGINS``.
    """

    load: frozenset[str] | None = None
    disable: frozenset[str] = frozenset()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> PluginSelection:
        environ = os.environ if environ is None else environ
        raw_load = environ.get(LOAD_PLUGINS_ENV)
        return cls(
            load=None if raw_load is None else _names(raw_load),
            disable=_names(environ.get(DISABLE_PLUGINS_ENV, "")),
        )

    def allows(self, *names: str | None) -> bool:
        given = {name for name in names if name}
        if self.load is not None and not given & self.load:
            return False
        return not given & self.disable


def _names(raw: str) -> frozenset[str]:
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


def new_plugin_manager() -> pluggy.PluginManager:
    """A fresh manager per engine: no module-level plugin state anywhere."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


def load_entry_point_plugins(manager: pluggy.PluginManager, selection: PluginSelection) -> list[PluginRecord]:
    """Import and register every selected plugin of the ``triage`` entry-point group."""
    records: list[PluginRecord] = []
    seen: dict[str, PluginRecord] = {}
    for entry_point in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=_built_ins_first):
        distribution = entry_point.dist
        dist_name = distribution.metadata["Name"] if distribution is not None else None
        if not selection.allows(entry_point.name, dist_name):
            continue
        first = seen.get(entry_point.name)
        if first is not None and first.module == entry_point.value:
            # The same plugin seen through two metadata copies (a stale egg-info
            # beside an installed one, say): one plugin, loaded once.
            log.warning("plugin %s is installed twice (%s, %s); loading it once", entry_point.name,
                        first.distribution, dist_name)  # fmt: skip
            continue
        record = PluginRecord(
            name=entry_point.name,
            source="entry point",
            module=entry_point.value,
            distribution=dist_name,
            version=distribution.version if distribution is not None else None,
        )
        records.append(record)
        if first is not None:
            record.fail(
                f"entry point name {entry_point.name!r} is also used by distribution "
                f"{first.distribution!r} for {first.module}; plugin names must be unique"
            )
            continue
        seen[entry_point.name] = record
        try:
            plugin = entry_point.load()
        except Exception as error:  # a broken plugin must never crash the host
            record.fail(f"could not import {entry_point.value}: {type(error).__name__}: {error}")
            continue
        register_plugin(manager, record, plugin)
    return records


def load_given_plugins(manager: pluggy.PluginManager, plugins: Iterable[object]) -> list[PluginRecord]:
    """Register plugin objects handed over in Python (embedding, tests)."""
    records = []
    for plugin in plugins:
        name = str(getattr(plugin, "__name__", None) or type(plugin).__name__)
        record = PluginRecord(name=name, source="argument", module=name)
        records.append(record)
        register_plugin(manager, record, plugin)
    return records


def register_plugin(manager: pluggy.PluginManager, record: PluginRecord, plugin: object) -> None:
    """Register one plugin; on any problem, record it and leave the manager clean."""
    if manager.is_registered(plugin):
        record.fail(f"this module is already registered as plugin {manager.get_name(plugin)!r}")
        return
    try:
        manager.register(plugin, name=record.name)
    except Exception as error:
        record.fail(f"could not register: {error}")
        return
    record.plugin = plugin
    callers = manager.get_hookcallers(plugin) or []
    record.hooks = sorted(caller.name for caller in callers if caller.has_spec())
    unknown = sorted(caller.name for caller in callers if not caller.has_spec())
    if unknown:
        known = ", ".join(sorted(known_hook_names(manager)))
        record.fail(f"unknown hook(s) {', '.join(unknown)} (misspelt?); known hooks: {known}")
        manager.unregister(plugin)
        record.plugin = None


def known_hook_names(manager: pluggy.PluginManager) -> Sequence[str]:
    return [name for name in vars(manager.hook) if not name.startswith("_") and getattr(manager.hook, name).has_spec()]


def _built_ins_first(entry_point: importlib.metadata.EntryPoint) -> tuple[bool, str, str]:
    distribution = entry_point.dist
    is_host = distribution is not None and distribution.metadata["Name"] == HOST_DISTRIBUTION
    return not is_host, entry_point.name, entry_point.value
