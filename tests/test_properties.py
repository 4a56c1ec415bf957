"""Properties that must hold for every valid report, checked with hypothesis on the
built-in ruleset."""

from __future__ import annotations

import os
from typing import Any

import pytest
from helpers import BUILTIN_PLUGINS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import triage_core
from triage_core.field_catalog import FieldKind
from triage_core.levels import TriageLevel
from triage_core.plugin_loading import PluginSelection
from triage_core.testing import nest, report_strategy

ENGINE = triage_core.load_engine(selection=PluginSelection(load=BUILTIN_PLUGINS), strict=True)
#: PROPERTY_EXAMPLES=2000 searches harder (minutes) than the default CI run.
SETTINGS = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

Assignment = list[tuple[str, Any]]


def satisfying(data: dict[str, Any]) -> Assignment | None:
    """Field values that make a rule (in its data form) hold, or None if this simple
    construction does not cover it (negations, operators)."""
    if "all" in data:
        parts = [satisfying(part) for part in data["all"]]
        return None if any(part is None for part in parts) else [item for part in parts for item in part or []]
    if "any" in data:
        return satisfying(data["any"][0])
    if "ratio_above" in data:
        return [(data["denominator"], 10.0), (data["numerator"], 10.0 * data["ratio_above"] + 1)]
    if "field" not in data:
        return None
    path = data["field"]
    spec = ENGINE.catalog[path]
    integer = spec.kind is FieldKind.INTEGER
    if "equals" in data:
        return [(path, data["equals"])]
    if "one_of" in data:
        return [(path, data["one_of"][0])]
    if "any_of" in data:
        return [(path, [data["any_of"][0]])]
    for key, shift in (("gt", 1 if integer else 0.5), ("ge", 0), ("lt", -1 if integer else -0.5), ("le", 0)):
        if key in data:
            return [(path, data[key] + shift)]
    return None


def apply(report: dict[str, Any], assignment: Assignment) -> dict[str, Any]:
    """The report with the assignment applied (list values are added to the list)."""
    flat = dict(ENGINE.validate(report).known())
    for path, value in assignment:
        if isinstance(value, list):
            flat[path] = list(dict.fromkeys([*flat.get(path, ()), *value]))
        else:
            flat[path] = value
    return nest(flat)


def without(report: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    return nest({path: value for path, value in ENGINE.validate(report).known().items() if path not in paths})


def listed_score(report: dict[str, Any], condition_id: str) -> float:
    assessment = ENGINE.assess(ENGINE.validate(report))
    return next((o.score for o in assessment.listed if o.condition.id == condition_id), 0.0)


def level_of(report: dict[str, Any]) -> TriageLevel:
    return ENGINE.assess(ENGINE.validate(report)).level


SUPPORTING = [
    (condition.id, rule.id, assignment)
    for condition in ENGINE.ruleset.conditions
    for rule in condition.evidence
    if rule.weight > 0 and (assignment := satisfying(rule.definition.when.to_data())) is not None
]
RED_FLAGS = [
    (flag.id, flag.level, assignment)
    for flag in ENGINE.ruleset.red_flags
    if (assignment := satisfying(flag.definition.when.to_data())) is not None
]


def test_the_construction_covers_most_rules() -> None:
    positive = sum(rule.weight > 0 for condition in ENGINE.ruleset.conditions for rule in condition.evidence)
    assert len(SUPPORTING) >= 0.9 * positive
    assert len(RED_FLAGS) == len(ENGINE.ruleset.red_flags)


@SETTINGS
@given(report_strategy(ENGINE.catalog))
def test_any_valid_report_evaluates(report: dict[str, Any]) -> None:
    result = ENGINE.triage(report)
    data = result.to_dict()
    assert data["warnings"] == []
    assert data["triage"]["level"] in {level.value for level in TriageLevel}
    scores = [condition["score"] for condition in data["conditions"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    asked = {question["field"] for question in data["questions"]}
    assert not asked & set(ENGINE.validate(report).known())


@SETTINGS
@given(report_strategy(ENGINE.catalog))
def test_results_are_deterministic(report: dict[str, Any]) -> None:
    first, second = ENGINE.triage(report).to_dict(), ENGINE.triage(report).to_dict()
    for data in (first, second):
        del data["id"], data["created_at"]
    assert first == second


@SETTINGS
@given(report_strategy(ENGINE.catalog), st.sampled_from(SUPPORTING))
def test_answering_for_a_supporting_finding_never_lowers_its_condition(
    report: dict[str, Any], supporting: tuple[str, str, Assignment]
) -> None:
    condition_id, _rule_id, assignment = supporting
    unanswered = without(report, [path for path, _ in assignment])
    answered = apply(unanswered, assignment)
    assert listed_score(answered, condition_id) >= listed_score(unanswered, condition_id)


@SETTINGS
@given(report_strategy(ENGINE.catalog), st.sampled_from(RED_FLAGS))
def test_a_red_flag_finding_never_lowers_the_level(
    report: dict[str, Any], red_flag: tuple[str, TriageLevel, Assignment]
) -> None:
    flag_id, flag_level, assignment = red_flag
    with_flag = apply(report, assignment)
    level = level_of(with_flag)
    assert level >= flag_level, f"red flag {flag_id} did not fire"
    assert level >= level_of(report)


@pytest.mark.parametrize(("flag_id", "level", "assignment"), RED_FLAGS, ids=[flag[0] for flag in RED_FLAGS])
def test_each_red_flag_fires_on_its_own_finding(flag_id: str, level: TriageLevel, assignment: Assignment) -> None:
    result = ENGINE.triage(apply({}, assignment))
    assert flag_id in {flag.id for flag in result.triage.red_flags}
    assert result.triage.level >= level
