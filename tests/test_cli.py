"""The ``triage`` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import load_cases

from triage_service.cli import main

REPORT = load_cases("examples.json")[0]["report"]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRIAGE_LOAD_PLUGINS", "runner-triage")
    return CliRunner()


def test_evaluate_reads_standard_input(runner: CliRunner) -> None:
    outcome = runner.invoke(main, ["evaluate", "-"], input=json.dumps(REPORT))
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.stdout)["triage"]["level"] == "self_care"


def test_evaluate_reads_a_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(REPORT))
    outcome = runner.invoke(main, ["evaluate", str(path), "--compact"])
    assert outcome.exit_code == 0
    assert outcome.stdout.count("\n") == 1
    assert json.loads(outcome.stdout)["conditions"][0]["id"] == "shin_splints"


def test_an_invalid_report_names_each_path_and_exits_1(runner: CliRunner) -> None:
    outcome = runner.invoke(main, ["evaluate", "-"], input='{"pain": {"sevrity": 3, "severity": 12}}')
    assert outcome.exit_code == 1
    assert "pain.sevrity: Unknown field." in outcome.stderr
    assert "pain.severity: Must be greater than or equal to 0 and less than or equal to 10." in outcome.stderr
    assert outcome.stdout == ""


def test_a_body_that_is_not_json_is_a_usage_error(runner: CliRunner) -> None:
    outcome = runner.invoke(main, ["evaluate", "-"], input="{not json")
    assert outcome.exit_code == 2
    assert "not valid JSON" in outcome.stderr


def test_plugins_lists_plugins_conditions_and_digest(runner: CliRunner) -> None:
    outcome = runner.invoke(main, ["plugins"])
    assert outcome.exit_code == 0
    assert "shin_splints  (runner-triage " in outcome.stdout
    assert "conditions: acute_compartment_syndrome, exertional_compartment_syndrome, shin_splints" in outcome.stdout
    assert "ruleset sha256:" in outcome.stdout


def test_plugins_as_json(runner: CliRunner) -> None:
    listing = json.loads(runner.invoke(main, ["plugins", "--json"]).stdout)
    safety = next(entry for entry in listing if entry["name"] == "safety")
    assert safety["conditions"] == ["dvt"]
    assert "cannot_bear_weight_after_injury" in safety["red_flags"]
    assert safety["error"] is None


def test_a_broken_plugin_installed_beside_the_builtins_is_listed_and_triage_still_works(
    install_plugin: Callable[..., None], tmp_path: Path
) -> None:
    """Acceptance: in a separate process, as a user would see it."""
    install_plugin("broken-clinic-plugin", "broken_clinic", "raise ImportError('missing dependency foo')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    env.pop("TRIAGE_LOAD_PLUGINS", None)
    listing = subprocess.run(
        [sys.executable, "-m", "triage_service", "plugins"], capture_output=True, text=True, env=env, check=True
    )
    assert "broken_clinic  (broken-clinic-plugin 1.0, entry point)" in listing.stdout
    assert "ERROR: could not import broken_clinic: ImportError: missing dependency foo" in listing.stdout
    assert "1 plugin(s) failed to load" in listing.stderr
    evaluated = subprocess.run(
        [sys.executable, "-m", "triage_service", "evaluate", "-"],
        input=json.dumps(REPORT),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(evaluated.stdout)["conditions"][0]["id"] == "shin_splints"
    strict = subprocess.run(
        [sys.executable, "-m", "triage_service", "evaluate", "--strict", "-"],
        input=json.dumps(REPORT),
        capture_output=True,
        text=True,
        env=env,
    )
    assert strict.returncode == 1
    assert "broken_clinic" in strict.stderr


def test_version(runner: CliRunner) -> None:
    outcome = runner.invoke(main, ["--version"])
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("triage, version ")
