"""Declarative conditions: TOML rule files loaded from a directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import triage_core
from triage_core.errors import PluginLoadError
from triage_core.testing import assert_triage, make_engine
from triage_service import create_app
from triage_service.cli import main

PLANTAR = """
[plugin]
version = "1.2"

[report_fields.plantar]
first_steps_pain = { kind = "boolean", description = "Pain with the first steps.", question = "Does it hurt most with your first steps in the morning?" }
arch_height = { kind = "choice", options = ["low", "normal", "high"], description = "Arch.", question = "How high is your arch?" }

[[conditions]]
id = "plantar_fasciitis"
name = "Plantar fasciitis"
description = "Heel pain under the foot, worst with the first steps in the morning."
triage_level = "self_care"
requires = { field = "pain.locations", any_of = ["foot_sole", "heel"] }
references = ["NICE CKS. Plantar fasciitis."]

[[conditions.evidence]]
id = "sole_pain"
weight = 3
text = "Pain under the heel or sole."
when = { field = "pain.locations", any_of = ["foot_sole", "heel"] }

[[conditions.evidence]]
id = "first_steps"
weight = 3
text = "Worst with the first steps in the morning."
when = { field = "extensions.plantar.first_steps_pain", equals = true }

[[conditions.evidence]]
id = "sudden"
weight = -2
text = "A sudden start points to an injury."
when = { all = [{ field = "pain.onset", equals = "sudden" }, { not = { field = "signs.swelling", equals = false } }] }

[[conditions.red_flags]]
id = "heel_fracture"
level = "consultation_24"
message = "Heel pain after a fall may be a fracture: see a clinician within 24 hours."
when = { all = [{ field = "pain.locations", any_of = ["heel"] }, { field = "signs.recent_trauma", equals = true }] }

[[conditions.recommendations]]
id = "calf_stretch"
category = "flexibility"
text = "Stretch your calves and the sole of the foot."
because = ["first_steps"]

[[conditions.codes]]
system = "http://snomed.info/sct"
code = "202882003"
display = "Plantar fasciitis"
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def error_of(engine: triage_core.Engine, name: str) -> str:
    record = next(record for record in engine.plugins if record.name == name)
    assert record.error is not None
    return record.error


def test_a_rule_file_adds_a_condition_with_its_own_report_fields(tmp_path: Path) -> None:
    write(tmp_path, "plantar.toml", PLANTAR)
    engine = make_engine(rules=tmp_path)
    record = next(record for record in engine.plugins if record.name == "rules:plantar")
    assert (record.source, record.version, record.module) == ("rule file", "1.2", str(tmp_path / "plantar.toml"))
    result = engine.triage({"pain": {"locations": ["heel"]}, "extensions": {"plantar": {"first_steps_pain": True}}})
    assert_triage(result, top=["plantar_fasciitis"], level="self_care")
    top = result.conditions[0]
    assert top.plugin.name == "rules:plantar"
    assert [item.id for item in top.recommendations] == ["calf_stretch"]
    fall = engine.triage({"pain": {"locations": ["heel"]}, "signs": {"recent_trauma": True}})
    assert_triage(fall, min_level="consultation_24", red_flags=["heel_fracture"])
    assert "extensions.plantar.arch_height" in engine.catalog


def test_the_environment_names_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "plantar.toml", PLANTAR)
    monkeypatch.setenv("TRIAGE_RULES_DIR", str(tmp_path))
    assert triage_core.load_engine().ruleset.condition("plantar_fasciitis") is not None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('weight = 3\ntext = "Pain under', 'weight = "3"\ntext = "Pain under',
         "plantar.toml: conditions[0].evidence[0].weight: Must be a number."),
        ('triage_level = "self_care"', 'triage_level = "soon"', "plantar.toml: conditions[0].triage_level: Must be one of"),
        ('category = "flexibility"', 'category = "stretching"', "conditions[0].recommendations[0].category: Must be one of"),
        ('id = "sole_pain"', 'id = "sole_pain"\ncolour = "red"', "conditions[0].evidence[0].colour: Unknown field."),
        ('name = "Plantar fasciitis"\n', "", "conditions[0].name: Missing data for required field."),
        ('equals = true }', 'is = true }', "conditions[0].evidence[1].when: give exactly one of"),
        ("[report_fields.plantar]", "[report_fields.plantar]\nbad = { kind = \"choice\", description = \"x\", question = \"y\" }",
         "report_fields.plantar.bad: a choice field needs options"),
    ],
)  # fmt: skip
def test_structural_mistakes_name_the_file_and_the_path(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in PLANTAR
    write(tmp_path, "plantar.toml", PLANTAR.replace(old, new, 1))
    engine = make_engine(rules=tmp_path, strict=False)
    assert message in error_of(engine, "rules:plantar")
    assert engine.ruleset.condition("plantar_fasciitis") is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('field = "extensions.plantar.first_steps_pain"', 'field = "extensions.plantar.first_step_pain"',
         "plantar.toml: conditions[0].evidence[1]: when: unknown field 'extensions.plantar.first_step_pain'"),
        ('requires = { field = "pain.locations", any_of = ["foot_sole", "heel"] }',
         'requires = { field = "pain.locations", any_of = ["foot_sole", "hand"] }',
         "plantar.toml: conditions[0]: requires: any_of on 'pain.locations': 'hand' not among"),
        ('because = ["first_steps"]', 'because = ["morning"]',
         "plantar.toml: conditions[0].recommendations[0]: because names 'morning'"),
        ('weight = -2', 'weight = -20', "plantar.toml: conditions[0].evidence[2]: weight -20.0 must be"),
    ],
)  # fmt: skip
def test_rule_mistakes_name_the_file_and_the_path(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in PLANTAR
    write(tmp_path, "plantar.toml", PLANTAR.replace(old, new, 1))
    assert message in error_of(make_engine(rules=tmp_path, strict=False), "rules:plantar")
    with pytest.raises(PluginLoadError, match=r"plantar\.toml"):
        make_engine(rules=tmp_path)


def test_a_duplicate_of_a_builtin_condition_names_both(tmp_path: Path) -> None:
    write(tmp_path, "copy.toml", PLANTAR.replace('id = "plantar_fasciitis"', 'id = "shin_splints"'))
    error = error_of(make_engine(rules=tmp_path, strict=False), "rules:copy")
    assert error.endswith(
        "copy.toml: conditions[0]: duplicate condition id: already registered by plugin 'shin_splints'"
    )


def test_not_toml_at_all(tmp_path: Path) -> None:
    write(tmp_path, "broken.toml", "[[conditions]\nid = ")
    assert "broken.toml: not a readable TOML file" in error_of(
        make_engine(rules=tmp_path, strict=False), "rules:broken"
    )


def test_a_missing_directory_is_an_error_not_silence(tmp_path: Path) -> None:
    engine = make_engine(rules=tmp_path / "nope", strict=False)
    assert "is not a directory" in error_of(engine, "rules:*")


def test_other_files_are_ignored_and_files_load_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, "b.toml", PLANTAR)
    write(tmp_path, "a.toml", PLANTAR.replace("plantar", "other").replace("Plantar", "Other").replace("heel_", "toe_"))
    write(tmp_path, "notes.txt", "not a rule file")
    names = [record.name for record in make_engine(rules=tmp_path).plugins if record.source == "rule file"]
    assert names == ["rules:a", "rules:b"]


def test_the_file_content_is_part_of_the_digest(tmp_path: Path) -> None:
    path = write(tmp_path, "plantar.toml", PLANTAR)
    first = make_engine(rules=tmp_path).ruleset.digest
    assert make_engine(rules=tmp_path).ruleset.digest == first
    path.write_text(PLANTAR + "\n# reviewed by Dr. Smith, 2026-11-20\n")
    assert make_engine(rules=tmp_path).ruleset.digest != first


def test_the_service_says_so_on_readyz_and_triage_plugins_lists_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "plantar.toml", PLANTAR.replace('level = "consultation_24"', 'level = "urgent"'))
    monkeypatch.setenv("TRIAGE_RULES_DIR", str(tmp_path))
    monkeypatch.setenv("TRIAGE_LOAD_PLUGINS", "runner-triage")
    response = create_app().test_client().get("/readyz")
    assert response.status_code == 503
    (problem,) = response.get_json()["plugin_errors"]
    assert problem["plugin"] == "rules:plantar"
    assert "plantar.toml: conditions[0].red_flags[0].level: Must be one of" in problem["error"]
    listing = CliRunner().invoke(main, ["plugins"])
    assert "rules:plantar" in listing.stdout
    assert "ERROR: " in listing.stdout
    assert "conditions[0].red_flags[0].level" in listing.stdout


def test_triage_plugins_check_reads_a_rule_file(tmp_path: Path) -> None:
    path = write(tmp_path, "plantar.toml", PLANTAR)
    good = CliRunner().invoke(main, ["plugins", "check", str(path)])
    assert good.exit_code == 0, good.output
    assert "rules:plantar: 0 error(s), 0 warning(s)" in good.stdout
    path.write_text(PLANTAR.replace('text = "Pain under the heel or sole."', 'text = ""'))
    bad = CliRunner().invoke(main, ["plugins", "check", str(path)])
    assert bad.exit_code == 1
    assert "conditions[0].evidence[0].text: Shorter than minimum length 1." in bad.stdout


def test_the_deny_list_skips_a_rule_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "plantar.toml", PLANTAR)
    monkeypatch.setenv("TRIAGE_DISABLE_PLUGINS", "rules:plantar")
    engine = triage_core.load_engine(rules_dir=tmp_path)
    assert engine.ruleset.condition("plantar_fasciitis") is None
    assert "rules:plantar" not in {record.name for record in engine.plugins}
