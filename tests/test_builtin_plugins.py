"""The built-in plugins against the API contract and CONDITIONS.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import triage_core
from triage_core.levels import Category

PLUGINS_DIR = Path(__file__).parent.parent / "plugins" / "triage_plugins"
API_CONDITION_IDS = {
    "shin_splints", "tibial_stress_fracture", "exertional_compartment_syndrome", "acute_compartment_syndrome",
    "achilles_tendinitis", "achilles_rupture", "tendinitis", "muscle_soreness", "calf_strain", "dvt",
}  # fmt: skip
SNOMED = {
    "shin_splints": {"202888004"},
    "tibial_stress_fracture": {"442205007"},
    "acute_compartment_syndrome": {"111245009"},
    "achilles_tendinitis": {"11654001"},
    "achilles_rupture": {"429513001"},
    "tendinitis": {"34840004", "202881005"},
    "muscle_soreness": {"68962001"},
    "calf_strain": {"48532005"},
}
LEVELS = {
    "shin_splints": "self_care",
    "tibial_stress_fracture": "consultation",
    "exertional_compartment_syndrome": "consultation",
    "acute_compartment_syndrome": "emergency",
    "achilles_tendinitis": "self_care",
    "achilles_rupture": "emergency",
    "tendinitis": "self_care",
    "muscle_soreness": "self_care",
    "calf_strain": "self_care",
    "dvt": "consultation_24",
}
RED_FLAG_CONDITIONS = {"tibial_stress_fracture", "achilles_rupture", "acute_compartment_syndrome", "dvt"}


def test_the_condition_ids_of_the_contract(engine: triage_core.Engine) -> None:
    assert {condition.id for condition in engine.ruleset.conditions} == API_CONDITION_IDS


@pytest.mark.parametrize("condition_id", sorted(LEVELS))
def test_levels_follow_conditions_md(engine: triage_core.Engine, condition_id: str) -> None:
    assert engine.ruleset.condition(condition_id).level == LEVELS[condition_id]  # type: ignore[union-attr]


@pytest.mark.parametrize("condition_id", sorted(SNOMED))
def test_snomed_codes_where_conditions_md_gives_them(engine: triage_core.Engine, condition_id: str) -> None:
    codes = engine.ruleset.condition(condition_id).codes  # type: ignore[union-attr]
    assert {code.code for code in codes} == SNOMED[condition_id]
    assert {code.system for code in codes} == {"http://snomed.info/sct"}


@pytest.mark.parametrize("condition_id", sorted(RED_FLAG_CONDITIONS))
def test_red_flag_conditions_have_a_red_flag_with_their_id(engine: triage_core.Engine, condition_id: str) -> None:
    flag = next(flag for flag in engine.ruleset.red_flags if flag.id == condition_id)
    assert flag.condition == condition_id


def test_every_condition_is_explained_referenced_and_advised(engine: triage_core.Engine) -> None:
    for condition in engine.ruleset.conditions:
        assert condition.references, condition.id
        assert condition.recommendations, condition.id
        assert condition.definition.description, condition.id
        assert any(rule.weight < 0 for rule in condition.evidence), f"{condition.id} has no conflicting evidence"


def test_advice_covers_every_category(engine: triage_core.Engine) -> None:
    used = {item.category for condition in engine.ruleset.conditions for item in condition.recommendations}
    assert used | {Category.URGENT_CARE} == set(Category)


def test_plugins_use_only_the_public_api() -> None:
    """Built-ins are written as an outside clinic would: no private triage_core modules."""
    public = {"triage_core", "triage_core.rules", "triage_core.strict_fields", "triage_core.report_schema"}
    for path in PLUGINS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("triage_core"):
                assert node.module in public, f"{path.name} imports {node.module}"
