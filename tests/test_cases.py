"""The example cases of ``shared/cases`` and the clinical cases written from
``shared/clinical/CONDITIONS.md``, through the public API and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import TESTS, load_cases

import triage_core
from triage_core.testing import unmet

SHARED_EXAMPLES = TESTS.parent.parent / "shared" / "cases" / "examples.json"
EXAMPLES = load_cases("examples.json")
CLINICAL = load_cases("clinical.json")


def by_id(cases: list[dict[str, Any]]) -> Any:
    return pytest.mark.parametrize("case", cases, ids=[case["id"] for case in cases])


@by_id(EXAMPLES + CLINICAL)
def test_case_through_the_python_api(engine: triage_core.Engine, case: dict[str, Any]) -> None:
    result = engine.triage(case["report"]).to_dict()
    assert unmet(result, case["expect"]) == []


@pytest.mark.skipif(not SHARED_EXAMPLES.exists(), reason="no shared/ checkout beside this repository")
def test_the_vendored_examples_match_shared() -> None:
    """tests/cases/examples.json is a copy (CI clones this repository alone); it must not drift."""
    assert json.loads(SHARED_EXAMPLES.read_text()) == EXAMPLES


@by_id(EXAMPLES)
def test_case_through_the_cli(case: dict[str, Any], tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "triage_service", "evaluate", "-"],
        input=json.dumps(case["report"]),
        capture_output=True,
        text=True,
        check=True,
        env={"TRIAGE_LOAD_PLUGINS": "runner-triage", "PATH": ""},
    )
    result = json.loads(completed.stdout)
    assert set(result) == {
        "id", "api_version", "created_at", "triage", "conditions", "questions",
        "recommendations", "ruleset", "warnings", "disclaimer",
    }  # fmt: skip
    assert set(result["triage"]) == {"level", "summary", "red_flags"}
    for condition in result["conditions"]:
        assert set(condition) >= {
            "id", "name", "score", "likelihood", "triage_level", "supporting", "conflicting", "unknown",
            "risk_factors", "recommendations", "codes", "plugin", "references",
        }  # fmt: skip
        assert 0 < condition["score"] <= 1
    for question in result["questions"]:
        assert set(question) == {"field", "text", "could_change"}
    assert result["ruleset"]["digest"].startswith("sha256:")
    assert unmet(result, case["expect"]) == []


def test_results_are_identical_across_processes() -> None:
    """Byte for byte, apart from id and time, even with different hash seeds."""
    report = json.dumps(EXAMPLES[0]["report"])
    outputs = []
    for seed in ("1", "2"):
        completed = subprocess.run(
            [sys.executable, "-m", "triage_service", "evaluate", "--compact", "-"],
            input=report,
            capture_output=True,
            text=True,
            check=True,
            env={"TRIAGE_LOAD_PLUGINS": "runner-triage", "PYTHONHASHSEED": seed, "PATH": ""},
        )
        data = json.loads(completed.stdout)
        del data["id"], data["created_at"]
        outputs.append(json.dumps(data))
    assert outputs[0] == outputs[1]
