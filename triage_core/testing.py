"""Test helpers for plugin authors, and the ``triage`` pytest plugin.

Installing triage registers this module with pytest (entry point ``pytest11``), so in
a plugin's own test suite these fixtures are simply there::

    def test_my_condition_ranks_first(make_triage_engine):
        import my_plugin

        engine = make_triage_engine(my_plugin)
        result = engine.triage({"pain": {"locations": ["foot_top"]}})
        assert_triage(result, top=["my_condition"], level="self_care")

    def test_my_plugin_is_conformant(make_triage_engine):
        import my_plugin

        assert_conformant(make_triage_engine(my_plugin), "my_plugin")

Fixtures: ``triage_engine`` (the built-in plugins only) and ``make_triage_engine``
(an engine with the built-ins plus the plugins and rule files you give).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from triage_core.conformance import ERROR, Finding, check_plugin
from triage_core.engine import Engine, load_engine
from triage_core.field_catalog import FieldCatalog, FieldKind, FieldSpec
from triage_core.levels import TriageLevel
from triage_core.plugin_loading import HOST_DISTRIBUTION, PluginSelection
from triage_core.report import nest
from triage_core.result import TriageResult

__all__ = [
    "assert_conformant",
    "assert_triage",
    "make_engine",
    "make_triage_engine",
    "nest",
    "report_strategy",
    "triage_engine",
    "unmet",
]

#: The expectation keys of ``shared/cases`` and of :func:`assert_triage`.
EXPECTATIONS = ("top", "level", "levels", "min_level", "red_flags", "rec_categories", "questions_any", "no_conditions")


def make_engine(
    *plugins: object,
    builtins: bool = True,
    rules: str | Path | None = None,
    strict: bool = True,
    **options: Any,
) -> Engine:
    """An engine with the built-in plugins (unless ``builtins=False``), the plugin
    objects given (modules or instances with hook implementations) and the rule
    file or directory ``rules``. Strict by default: a broken plugin fails the test
    with its error instead of being skipped. Installed outside plugins are not
    loaded, so tests do not depend on what else is installed."""
    selection = PluginSelection(load=frozenset({HOST_DISTRIBUTION}) if builtins else frozenset())
    return load_engine(plugins=plugins, selection=selection, strict=strict, rules_dir=rules, **options)


def unmet(result: TriageResult | Mapping[str, Any], expect: Mapping[str, Any]) -> list[str]:
    """Every expectation (in the format of ``shared/cases``) the result does not meet."""
    unknown = set(expect) - set(EXPECTATIONS)
    if unknown:
        raise ValueError(f"unknown expectation(s) {sorted(unknown)}; use {', '.join(EXPECTATIONS)}")
    data = result.to_dict() if isinstance(result, TriageResult) else result
    problems = []
    level = data["triage"]["level"]
    conditions = [condition["id"] for condition in data["conditions"]]
    if "top" in expect and (not conditions or conditions[0] not in expect["top"]):
        problems.append(f"top condition {conditions[:1]} not in {list(expect['top'])}")
    if "level" in expect and level != expect["level"]:
        problems.append(f"level {level} != {expect['level']}")
    if "levels" in expect and level not in expect["levels"]:
        problems.append(f"level {level} not in {list(expect['levels'])}")
    if "min_level" in expect and TriageLevel(level) < TriageLevel(expect["min_level"]):
        problems.append(f"level {level} below {expect['min_level']}")
    flags = {flag["id"] for flag in data["triage"]["red_flags"]}
    if missing := set(expect.get("red_flags", ())) - flags:
        problems.append(f"red flags {sorted(missing)} missing from {sorted(flags)}")
    categories = {item["category"] for item in data["recommendations"]}
    if missing := set(expect.get("rec_categories", ())) - categories:
        problems.append(f"recommendation categories {sorted(missing)} missing from {sorted(categories)}")
    asked = {question["field"] for question in data["questions"]}
    if "questions_any" in expect and not asked & set(expect["questions_any"]):
        problems.append(f"none of {list(expect['questions_any'])} asked; asked {sorted(asked)}")
    if expect.get("no_conditions") and conditions:
        problems.append(f"expected no conditions, got {conditions}")
    return problems


def assert_triage(result: TriageResult | Mapping[str, Any], **expect: Any) -> None:
    """Assert a result meets expectations: ``top``, ``level``, ``levels``, ``min_level``,
    ``red_flags``, ``rec_categories``, ``questions_any``, ``no_conditions``."""
    problems = unmet(result, expect)
    if problems:
        raise AssertionError("triage result does not meet expectations:\n  " + "\n  ".join(problems))


def assert_conformant(engine: Engine, plugin: str, *, allow_warnings: bool = True) -> list[Finding]:
    """Assert the loaded plugin passes the conformance check; returns the warnings."""
    findings = check_plugin(engine, plugin)
    failing = [finding for finding in findings if finding.severity == ERROR or not allow_warnings]
    if failing:
        raise AssertionError(f"plugin {plugin!r} is not conformant:\n  " + "\n  ".join(map(str, failing)))
    return findings


def report_strategy(catalog: FieldCatalog, answered: tuple[str, ...] = ("pain.locations",)) -> Any:
    """A hypothesis strategy of valid reports (JSON form) over every field of the
    catalogue (``engine.catalog``), extension fields included: each field left out,
    null or known; the ``answered`` fields always known. Needs ``hypothesis``."""
    from hypothesis import strategies as st

    @st.composite
    def reports(draw: Any) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        for path in sorted(catalog):
            spec = catalog[path]
            if path in answered:
                flat[path] = draw(_value_of(spec).filter(lambda value: value is not None and value != []))
            elif draw(st.integers(0, 2)):
                flat[path] = draw(_value_of(spec))
        return nest(flat)

    return reports()


def _value_of(spec: FieldSpec) -> Any:
    from hypothesis import strategies as st

    large = 10_000
    low = spec.minimum if spec.minimum is not None else -large
    high = spec.maximum if spec.maximum is not None else large
    known: Any
    if spec.kind is FieldKind.BOOLEAN:
        known = st.booleans()
    elif spec.kind is FieldKind.INTEGER:
        known = st.integers(int(low), int(high))
    elif spec.kind is FieldKind.NUMBER:
        known = st.floats(low, high, allow_nan=False, allow_infinity=False)
    elif spec.kind is FieldKind.CHOICE:
        known = st.sampled_from(spec.options)
    elif spec.kind is FieldKind.CHOICES:
        known = st.lists(st.sampled_from(spec.options), unique=True, max_size=len(spec.options))
    else:
        known = st.text(max_size=20)
    return st.none() | known


# ----------------------------------------------------------------- pytest fixtures


@pytest.fixture(scope="session")
def triage_engine() -> Engine:
    """The built-in plugins only, loaded strictly."""
    return make_engine()


@pytest.fixture
def make_triage_engine() -> Callable[..., Engine]:
    """``make_triage_engine(*plugins, builtins=True, rules=None, strict=True)``: see
    :func:`triage_core.testing.make_engine`."""
    return make_engine
