"""Strict validation of the symptom report: every error names its full path."""

from __future__ import annotations

from typing import Any

import pytest

import triage_core
from triage_core.errors import ReportValidationError
from triage_core.report_schema import SECTIONS


def errors_of(engine: triage_core.Engine, report: Any) -> dict[str, list[str]]:
    with pytest.raises(ReportValidationError) as caught:
        engine.validate(report)
    return caught.value.errors


@pytest.mark.parametrize(
    ("report", "path", "message"),
    [
        ({"pain": {"sevrity": 3}}, "pain.sevrity", "Unknown field."),
        ({"painn": {}}, "painn", "Unknown field."),
        ({"pain": {"severity": 11}}, "pain.severity", "less than or equal to 10"),
        ({"pain": {"severity": -1}}, "pain.severity", "greater than or equal to 0"),
        ({"pain": {"severity": 4.5}}, "pain.severity", "Not a valid integer."),
        ({"pain": {"severity": "4"}}, "pain.severity", "Not a valid integer."),
        ({"pain": {"severity": True}}, "pain.severity", "Not a valid integer."),
        ({"signs": {"fever": "yes"}}, "signs.fever", "Must be true, false or null."),
        ({"signs": {"fever": 1}}, "signs.fever", "Must be true, false or null."),
        ({"runner": {"bmi": "22"}}, "runner.bmi", "Must be a number."),
        ({"runner": {"bmi": 70}}, "runner.bmi", "less than or equal to 60"),
        ({"runner": {"age_years": 9}}, "runner.age_years", "greater than or equal to 10"),
        ({"runner": {"sex": "f"}}, "runner.sex", "Must be one of: female, male, other."),
        ({"pain": {"locations": ["calf", "elbow"]}}, "pain.locations.1", "Must be one of"),
        ({"pain": {"locations": "calf"}}, "pain.locations", "Not a valid list."),
        ({"pain": 3}, "pain", "Invalid input type."),
        ({"training": {"weekly_distance_change_pct": -101}}, "training.weekly_distance_change_pct", "greater than"),
        ({"training": {"cadence_spm": 99}}, "training.cadence_spm", "greater than or equal to 100"),
        ({"extensions": {"nobody": {}}}, "extensions.nobody", "Unknown field."),
        ({"extensions": {"achilles": {"stiffness": 40}}}, "extensions.achilles.stiffness", "Unknown field."),
        (
            {"extensions": {"achilles": {"morning_stiffness_minutes": 2000}}},
            "extensions.achilles.morning_stiffness_minutes",
            "less than or equal to 1440",
        ),
    ],
)
def test_invalid_values_are_refused_naming_the_path(
    engine: triage_core.Engine, report: dict[str, Any], path: str, message: str
) -> None:
    errors = errors_of(engine, report)
    assert path in errors, errors
    assert any(message in text for text in errors[path]), errors[path]


def test_every_problem_is_reported_at_once(engine: triage_core.Engine) -> None:
    errors = errors_of(engine, {"pain": {"severity": 11, "sevrity": 1}, "signs": {"fever": "no"}})
    assert set(errors) == {"pain.severity", "pain.sevrity", "signs.fever"}


@pytest.mark.parametrize("report", [[], "report", 3, None])
def test_a_report_must_be_an_object(engine: triage_core.Engine, report: Any) -> None:
    assert errors_of(engine, report) == {"$": ["The report must be a JSON object."]}


def test_the_error_message_names_every_path(engine: triage_core.Engine) -> None:
    with pytest.raises(ReportValidationError, match=r"pain\.sevrity: Unknown field"):
        engine.validate({"pain": {"sevrity": 3}})


def test_null_means_unknown(engine: triage_core.Engine) -> None:
    report = engine.validate({"pain": {"severity": None, "locations": None}, "signs": None})
    assert report.get("pain.severity") is None
    assert report.get("signs.fever") is None
    assert report.known() == {}


def test_values_are_flattened_immutable_and_complete(engine: triage_core.Engine) -> None:
    report = engine.validate({"pain": {"locations": ["calf", "calf", "achilles"], "severity": 0}})
    assert report.get("pain.locations") == ("calf", "achilles")  # repeats dropped, order kept
    assert report.get("pain.severity") == 0
    assert set(report.values) == set(engine.catalog)
    with pytest.raises(TypeError):
        report.values["pain.severity"] = 5  # type: ignore[index]


def test_integers_are_accepted_where_numbers_are_expected(engine: triage_core.Engine) -> None:
    assert engine.validate({"runner": {"bmi": 22}}).get("runner.bmi") == 22.0


def test_the_catalog_has_every_field_of_the_api_contract(engine: triage_core.Engine) -> None:
    expected_counts = {
        "runner": 10,
        "pain": 15,
        "signs": 16,
        "history": 6,
        "training": 17,
        "footwear": 3,
        "lifestyle": 3,
    }
    assert set(expected_counts) == set(SECTIONS)
    for section, count in expected_counts.items():
        assert len([path for path in engine.catalog if path.startswith(f"{section}.")]) == count, section
    for path in engine.catalog:
        assert engine.catalog[path].question.endswith("?") or "(" in engine.catalog[path].question, path
