"""Collecting what plugins register and resolving it into one consistent ruleset.

Each plugin's hooks are called once, with ``register`` callbacks that only collect.
Resolution then runs over the collected contributions: it checks them, and a plugin
with any invalid contribution is dropped *whole* (its fields, operators, conditions
and red flags), so no half-loaded plugin ever answers a report. Because dropping a
plugin can invalidate another one's rules (a condition using its operator), the
resolution repeats until nothing more fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy
from marshmallow import fields as ma_fields

from triage_core.errors import RulesetError
from triage_core.field_catalog import FieldCatalog, field_spec
from triage_core.model import Condition, RedFlag
from triage_core.plugin_loading import PluginRecord
from triage_core.report_schema import SECTIONS, StrictSchema, build_report_schema
from triage_core.result import PluginRef
from triage_core.rule_files import RuleFile
from triage_core.rules import CompileContext, Operator
from triage_core.ruleset import (
    CompiledCondition,
    CompiledLevelRule,
    compile_condition,
    compile_level_rule,
    condition_to_data,
    level_rule_to_data,
)

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass
class Contributions:
    """Everything one plugin registered, as given (checked later)."""

    record: PluginRecord
    # Typed as what plugins *should* pass; everything is checked during resolution.
    report_fields: list[tuple[str, Mapping[str, ma_fields.Field[Any]]]] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    red_flags: list[RedFlag] = field(default_factory=list)
    #: Set when the contributions come from a rule file rather than Python.
    rule_file: RuleFile | None = None

    @property
    def ref(self) -> PluginRef:
        return PluginRef(self.record.name, self.record.version or "0")

    def describe(self, error: RulesetError) -> str:
        """A rule file's errors name the file and the path inside it."""
        if self.rule_file is None:
            return str(error)
        return f"{self.rule_file.locate(error.condition, error.rule)}: {error.detail}"

    @classmethod
    def from_rule_file(cls, rule_file: RuleFile) -> Contributions:
        return cls(
            record=rule_file.record,
            report_fields=list(rule_file.report_fields),
            conditions=list(rule_file.conditions),
            red_flags=list(rule_file.red_flags),
            rule_file=rule_file,
        )


def collect(manager: pluggy.PluginManager, records: Sequence[PluginRecord]) -> list[Contributions]:
    """Call every registration hook of every loaded plugin, once."""
    by_plugin = {id(record.plugin): Contributions(record) for record in records if record.plugin is not None}
    hooks: Sequence[tuple[str, Callable[[Contributions], Callable[..., None]]]] = (
        (
            "triage_register_report_fields",
            lambda c: lambda namespace, declared: c.report_fields.append((namespace, declared)),
        ),
        ("triage_register_operators", lambda c: c.operators.append),
        ("triage_register_conditions", lambda c: c.conditions.append),
        ("triage_register_red_flags", lambda c: c.red_flags.append),
    )
    for hook_name, make_register in hooks:
        caller = getattr(manager.hook, hook_name)
        for implementation in caller.get_hookimpls():
            contributions = by_plugin.get(id(implementation.plugin))
            if contributions is None or not contributions.record.loaded:
                continue
            arguments = {"register": make_register(contributions)}
            try:
                implementation.function(*(arguments[name] for name in implementation.argnames))
            except Exception as error:
                contributions.record.fail(f"{hook_name} raised {type(error).__name__}: {error}")
    return [by_plugin[id(record.plugin)] for record in records if record.plugin is not None]


@dataclass(frozen=True)
class Resolved:
    """The consistent outcome of resolution."""

    schema: type[StrictSchema]
    catalog: FieldCatalog
    operators: Mapping[str, Operator]
    conditions: tuple[CompiledCondition, ...]
    red_flags: tuple[CompiledLevelRule, ...]
    contributions: tuple[Contributions, ...]

    def digest_material(self, engine_version: str) -> dict[str, Any]:
        return {
            "engine": engine_version,
            "plugins": [
                {
                    "name": item.record.name,
                    "version": item.record.version,
                    "report_fields": {
                        namespace: {name: _field_data(namespace, name, value) for name, value in declared.items()}
                        for namespace, declared in item.report_fields
                    },
                    "operators": sorted(operator.name for operator in item.operators),
                    "conditions": [condition_to_data(condition) for condition in item.conditions],
                    "red_flags": [level_rule_to_data(flag) for flag in item.red_flags],
                    "source_sha256": item.rule_file.sha256 if item.rule_file else None,
                }
                for item in self.contributions
            ],
        }


def resolve(contributions: Sequence[Contributions]) -> Resolved:
    """Check everything together; drop failing plugins until the rest is consistent."""
    while True:
        active = [item for item in contributions if item.record.loaded]
        before = len(active)
        namespaces = _resolve_namespaces(active)
        operators = _resolve_operators([item for item in active if item.record.loaded])
        schema = build_report_schema(
            {
                namespace: declared
                for item in active
                if item.record.loaded
                for namespace, declared in item.report_fields
                if namespace in namespaces
            }
        )
        catalog = FieldCatalog.from_schema(schema)
        context = CompileContext(catalog, operators.get)
        conditions, red_flags = _compile_all([item for item in active if item.record.loaded], context)
        if sum(item.record.loaded for item in contributions) == before:
            return Resolved(
                schema=schema,
                catalog=catalog,
                operators=operators,
                conditions=tuple(sorted(conditions, key=lambda condition: condition.id)),
                red_flags=tuple(red_flags),
                contributions=tuple(item for item in contributions if item.record.loaded),
            )


def _resolve_namespaces(active: Sequence[Contributions]) -> set[str]:
    owners: dict[str, Contributions] = {}
    for item in active:
        for namespace, declared in item.report_fields:
            if not isinstance(namespace, str) or not _NAME.match(namespace) or namespace in SECTIONS:
                item.record.fail(f"report field namespace {namespace!r} must be a lower_snake_case name")
                continue
            if namespace in owners and owners[namespace] is not item:
                _claimed_by_both(f"extension namespace {namespace!r} is claimed", owners[namespace], item)
                continue
            if namespace in owners:
                item.record.fail(f"extension namespace {namespace!r} registered twice")
                continue
            owners[namespace] = item
            _check_declared_fields(item, namespace, declared)
    return {namespace for namespace, owner in owners.items() if owner.record.loaded}


def _claimed_by_both(what: str, first: Contributions, second: Contributions) -> None:
    """A name two plugins claim belongs to neither: both fail, each naming the other."""
    message = f"{what} by both plugin {first.record.name!r} and plugin {second.record.name!r}"
    first.record.fail(message)
    second.record.fail(message)


def _check_declared_fields(item: Contributions, namespace: str, declared: object) -> None:
    if not isinstance(declared, Mapping) or not declared:
        item.record.fail(f"extension namespace {namespace!r}: expected a non-empty mapping of marshmallow fields")
        return
    for name, value in declared.items():
        if not isinstance(name, str) or not _NAME.match(name) or not isinstance(value, ma_fields.Field):
            item.record.fail(
                f"extension field {namespace}.{name}: expected a lower_snake_case name and a marshmallow field"
            )
            return
        try:
            field_spec(f"extensions.{namespace}.{name}", value)
        except TypeError as error:
            item.record.fail(str(error))
            return


def _resolve_operators(active: Sequence[Contributions]) -> dict[str, Operator]:
    owners: dict[str, tuple[Contributions, Operator]] = {}
    for item in active:
        for operator in item.operators:
            given: object = operator  # plugins are untyped: check what really arrived
            if not isinstance(given, Operator) or not _NAME.match(str(operator.name)):
                item.record.fail(f"operators must be Operator objects with a lower_snake_case name, got {operator!r}")
                continue
            function: object = operator.function
            if not callable(function):
                item.record.fail(f"operator {operator.name!r}: function is not callable")
                continue
            if operator.name in owners:
                _claimed_by_both(f"operator {operator.name!r} is registered", owners[operator.name][0], item)
                continue
            owners[operator.name] = (item, operator)
    return {
        name: _owned(operator, owner.record.name)
        for name, (owner, operator) in sorted(owners.items())
        if owner.record.loaded
    }


def _owned(operator: Operator, plugin: str) -> Operator:
    from dataclasses import replace

    return replace(operator, plugin=plugin)


def _compile_all(
    active: Sequence[Contributions], context: CompileContext
) -> tuple[list[CompiledCondition], list[CompiledLevelRule]]:
    conditions: dict[str, CompiledCondition] = {}
    red_flags: dict[str, CompiledLevelRule] = {}
    for item in active:
        try:
            mine = [compile_condition(condition, item.ref, context) for condition in item.conditions]
            mine_flags = [compile_level_rule(flag, item.ref, context, condition=None) for flag in item.red_flags] + [
                flag for condition in mine for flag in condition.red_flags
            ]
            for condition in mine:
                if condition.id in conditions:
                    owner = conditions[condition.id].plugin.name
                    raise RulesetError(
                        item.record.name,
                        f"duplicate condition id: already registered by plugin {owner!r}",
                        condition=condition.id,
                    )
            for flag in mine_flags:
                if flag.id in red_flags:
                    raise RulesetError(
                        item.record.name,
                        f"duplicate red flag id: already registered by plugin {red_flags[flag.id].plugin.name!r}",
                        condition=flag.condition,
                        rule=flag.id,
                    )
            _check_unique_within(item, mine, mine_flags)
        except RulesetError as error:
            item.record.fail(item.describe(error))
            continue
        conditions.update((condition.id, condition) for condition in mine)
        red_flags.update((flag.id, flag) for flag in mine_flags)
    return list(conditions.values()), sorted(red_flags.values(), key=lambda flag: (-flag.level.urgency, flag.id))


def _check_unique_within(
    item: Contributions, conditions: Sequence[CompiledCondition], flags: Sequence[CompiledLevelRule]
) -> None:
    seen_conditions: set[str] = set()
    for condition in conditions:
        if condition.id in seen_conditions:
            raise RulesetError(item.record.name, "duplicate condition id within the plugin", condition=condition.id)
        seen_conditions.add(condition.id)
    seen_flags: set[str] = set()
    for flag in flags:
        if flag.id in seen_flags:
            raise RulesetError(item.record.name, "duplicate red flag id", condition=flag.condition, rule=flag.id)
        seen_flags.add(flag.id)


def _field_data(namespace: str, name: str, value: ma_fields.Field[Any]) -> dict[str, Any]:
    spec = field_spec(f"extensions.{namespace}.{name}", value)
    return {
        "kind": spec.kind.value,
        "options": list(spec.options),
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "question": spec.question,
    }
