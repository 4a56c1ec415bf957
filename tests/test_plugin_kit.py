"""The plugin authoring kit: conformance, the pytest plugin, scaffolding, operators
shared between plugins, and the docs covering every hook."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import ConditionsPlugin

import triage_core
from triage_core import Code, Condition, Evidence, Operator, Recommendation, RedFlag, hookspecs
from triage_core import rules as r
from triage_core.conformance import ERROR, WARNING, check_plugin
from triage_core.testing import assert_conformant, assert_triage, make_engine, report_strategy, unmet
from triage_service.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "plugins.md"
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("triage_register_"))


SLOPPY = Condition(
    id="sloppy",
    name="sloppy condition",
    triage_level="self_care",
    evidence=[
        Evidence("foot", r.any_of("pain.locations", ["foot_top"]), 2, "pain on the foot"),
        Evidence("foot_again", r.is_true("signs.swelling"), 1, "pain on the foot"),
    ],
    red_flags=[RedFlag("pointless", "self_care", r.is_true("signs.fever"), "Nothing to do.")],
    codes=[Code("snomed", "12", "Something"), Code.snomed("12ab", "Something")],
)


class TestConformance:
    def test_findings_for_a_sloppy_plugin(self) -> None:
        engine = make_engine(ConditionsPlugin(SLOPPY, name="sloppy_plugin"), builtins=False)
        findings = {(finding.severity, finding.message) for finding in check_plugin(engine, "sloppy_plugin")}
        assert (ERROR, "cites no references: say where the clinical knowledge comes from") in findings
        assert (ERROR, "a red flag at self_care changes nothing: give it the level it demands") in findings
        assert (ERROR, "code system 'snomed' is not a URI") in findings
        assert (ERROR, "'12ab' is not a SNOMED CT identifier (6-18 digits)") in findings
        assert (WARNING, "has no `requires` gate, so it is scored on every report") in findings
        assert (WARNING, "has no conflicting evidence: nothing can count against it") in findings
        assert (WARNING, "gives no recommendations") in findings
        assert (WARNING, "evidence text used twice: 'pain on the foot'") in findings
        assert (WARNING, "text should start with a capital letter: 'pain on the foot'") in findings
        with pytest.raises(AssertionError, match="is not conformant"):
            assert_conformant(engine, "sloppy_plugin")

    @pytest.mark.parametrize("plugin", ["shin_splints", "achilles", "tendinitis", "soreness", "safety"])
    def test_the_builtin_plugins_are_clean(self, triage_engine: triage_core.Engine, plugin: str) -> None:
        assert assert_conformant(triage_engine, plugin, allow_warnings=False) == []

    def test_a_plugin_that_failed_to_load_fails_the_check(self) -> None:
        broken = Condition(id="broken", name="Broken", triage_level="soon", evidence=[])
        engine = make_engine(ConditionsPlugin(broken, name="broken_plugin"), builtins=False, strict=False)
        (finding,) = check_plugin(engine, "broken_plugin")
        assert finding.severity == ERROR
        assert "unknown triage level 'soon'" in finding.message

    def test_check_from_the_command_line(self) -> None:
        good = CliRunner().invoke(main, ["plugins", "check", "safety"])
        assert good.exit_code == 0
        assert good.stdout.strip() == "safety: 0 error(s), 0 warning(s)"
        missing = CliRunner().invoke(main, ["plugins", "check", "no_such_thing"])
        assert missing.exit_code == 2
        assert "not a rule file or directory, an installed plugin, or an importable module" in missing.output


class TestHelpers:
    def test_assert_triage_explains_what_is_unmet(self, triage_engine: triage_core.Engine) -> None:
        result = triage_engine.triage({"pain": {"locations": ["inner_shin"], "tender_area": "diffuse"}})
        assert_triage(result, top=["shin_splints"], level="self_care")
        with pytest.raises(AssertionError, match=r"level self_care != emergency"):
            assert_triage(result, level="emergency")

    def test_unknown_expectations_are_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown expectation"):
            unmet({}, {"levle": "self_care"})

    def test_report_strategy_covers_extension_fields(self, triage_engine: triage_core.Engine) -> None:
        from hypothesis import given, settings

        seen: list[dict[str, Any]] = []

        @settings(max_examples=30, deadline=None)
        @given(report_strategy(triage_engine.catalog))
        def run(report: dict[str, Any]) -> None:
            triage_engine.validate(report)
            seen.append(report)

        run()
        assert any("extensions" in report for report in seen)
        assert all(report["pain"]["locations"] for report in seen)

    def test_the_fixtures_reach_a_plugin_authors_test_suite(self, pytester: pytest.Pytester) -> None:
        pytester.makepyfile(
            """
            from triage_core.testing import assert_triage

            def test_builtins(triage_engine):
                assert_triage(triage_engine.triage({"pain": {"locations": ["calf"]}}), level="self_care")

            def test_factory(make_triage_engine):
                assert make_triage_engine(builtins=False).ruleset.conditions == ()
            """
        )
        pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


class TestOperatorsAcrossPlugins:
    @staticmethod
    def long_standing(values: Any, days: int) -> bool:
        return bool(values["pain.started_days_ago"] >= days)

    def test_an_operator_from_one_plugin_is_used_by_anothers_rules(self) -> None:
        provider = ConditionsPlugin(
            operators=[
                Operator(
                    "long_standing", self.long_standing, "Pain for at least `days` days.", ("pain.started_days_ago",)
                ),
            ],
            name="provider",
        )
        user = ConditionsPlugin(
            Condition(
                id="chronic_foot",
                name="Chronic foot pain",
                triage_level="self_care",
                requires=r.any_of("pain.locations", ["foot_top"]),
                evidence=[
                    Evidence("foot", r.any_of("pain.locations", ["foot_top"]), 1, "Foot pain."),
                    Evidence("chronic", r.operator("long_standing", days=90), 3, "Pain for three months or more."),
                ],
            ),
            name="user",
        )
        engine = make_engine(provider, user, builtins=False)
        chronic = engine.triage({"pain": {"locations": ["foot_top"], "started_days_ago": 120}})
        assert chronic.conditions[0].score == 1.0
        assert [item.id for item in chronic.conditions[0].supporting] == ["foot", "chronic"]
        recent = engine.triage({"pain": {"locations": ["foot_top"], "started_days_ago": 10}})
        assert recent.conditions[0].score == 0.25
        assert "operator" in engine.ruleset.condition("chronic_foot").definition.evidence[1].when.to_data()  # type: ignore[union-attr]

    def test_without_the_provider_the_user_fails_to_load_naming_the_operator(self) -> None:
        user = ConditionsPlugin(
            Condition(
                id="chronic_foot",
                name="Chronic foot pain",
                triage_level="self_care",
                evidence=[Evidence("chronic", r.operator("long_standing", days=90), 3, "Long-standing pain.")],
            ),
            name="user",
        )
        engine = make_engine(user, builtins=False, strict=False)
        assert "unknown operator 'long_standing'" in (engine.plugins[0].error or "")


class TestScaffold:
    def test_a_new_plugin_package_passes_its_own_tests(self, tmp_path: Path) -> None:
        outcome = CliRunner().invoke(main, ["plugins", "new", "heel-bruise", "--directory", str(tmp_path)])
        assert outcome.exit_code == 0, outcome.output
        root = tmp_path / "triage-heel-bruise"
        assert sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) == [
            "README.md",
            "pyproject.toml",
            "setup.cfg",
            "tests/test_heel_bruise.py",
            "triage_heel_bruise/__init__.py",
        ]
        assert "heel_bruise = triage_heel_bruise" in (root / "setup.cfg").read_text()
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(root)},
            cwd=root,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert "3 passed" in completed.stdout

    @pytest.mark.parametrize("name", ["Heel", "heel bruise", "9heel", "heel--bruise"])
    def test_bad_names_are_refused(self, tmp_path: Path, name: str) -> None:
        outcome = CliRunner().invoke(main, ["plugins", "new", name, "--directory", str(tmp_path)])
        assert outcome.exit_code == 1
        assert "use lowercase letters" in outcome.output

    def test_an_existing_directory_is_not_overwritten(self, tmp_path: Path) -> None:
        (tmp_path / "triage-heel").mkdir()
        outcome = CliRunner().invoke(main, ["plugins", "new", "heel", "--directory", str(tmp_path)])
        assert outcome.exit_code == 1
        assert "already exists" in outcome.output


class TestDocs:
    """docs/plugins.md documents every hook, and every hook is exercised by a test."""

    @pytest.mark.parametrize("hook", HOOKS)
    def test_every_hook_has_a_section_headed_by_its_signature(self, hook: str) -> None:
        spec = getattr(hookspecs, hook)
        parameters = ", ".join(
            f"{arg.arg}: {ast.unparse(arg.annotation)}" for arg in _arguments(spec) if arg.annotation
        )
        heading = f"### `{hook}({parameters}) -> None`"
        text = DOCS.read_text()
        assert heading in text, f"docs/plugins.md needs a section headed:\n{heading}"
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        for part in ("**Arguments**", "**Returns**", "```python"):
            assert part in section, f"the {hook} section has no {part}"

    @pytest.mark.parametrize("hook", HOOKS)
    def test_every_hook_is_exercised_by_a_test(self, hook: str) -> None:
        implementing = [
            path.name
            for path in (ROOT / "tests").rglob("*.py")
            if re.search(rf"def {hook}\(", path.read_text())  # plugin classes, and plugin sources installed
        ]
        assert implementing, f"no test implements {hook}"

    def test_the_docs_show_the_rule_vocabulary(self) -> None:
        text = DOCS.read_text()
        for name in ("equals", "is_true", "is_false", "one_of", "any_of", "gt", "ge", "lt", "le", "ratio_above",
                     "present", "all_", "any_", "not_", "operator"):  # fmt: skip
            assert f"`r.{name}(" in text, f"docs/plugins.md does not show r.{name}(...)"


def _arguments(function: Callable[..., Any]) -> list[ast.arg]:
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    return definition.args.args


def test_the_recommendation_dataclass_is_the_public_one() -> None:
    assert triage_core.Recommendation is Recommendation


def _code_block(after: str, language: str) -> str:
    """The first fenced block of ``language`` after the text ``after`` in docs/plugins.md."""
    text = DOCS.read_text().split(after, 1)[1]
    return text.split(f"```{language}\n", 1)[1].split("\n```", 1)[0]


class TestTheDocsExamplesWork:
    """Following docs/plugins.md must work: its examples are run here."""

    def test_the_complete_plugin_module(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "triage_plantar_fasciitis.py").write_text(_code_block("A complete plugin module:", "python"))
        monkeypatch.syspath_prepend(str(tmp_path))
        import triage_plantar_fasciitis as plugin

        engine = make_engine(plugin)
        result = engine.triage({"pain": {"locations": ["heel"], "when": ["morning"], "onset": "gradual"}})
        assert_triage(result, top=["plantar_fasciitis"], level="self_care")
        assert_conformant(engine, "triage_plantar_fasciitis", allow_warnings=False)
        sys.modules.pop("triage_plantar_fasciitis", None)

    def test_the_complete_rule_file(self, tmp_path: Path) -> None:
        (tmp_path / "plantar.toml").write_text(_code_block("A complete\nexample, `plantar.toml`:", "toml"))
        engine = make_engine(rules=tmp_path)
        report = {"pain": {"locations": ["heel"]}, "extensions": {"plantar": {"first_steps_pain": True}}}
        assert_triage(engine.triage(report), top=["plantar_fasciitis"], level="self_care")
        fall = {"pain": {"locations": ["heel"]}, "signs": {"recent_trauma": True, "numbness_or_tingling": True}}
        assert_triage(engine.triage(fall), min_level="emergency", red_flags=["heel_fracture", "numb_foot_after_fall"])
        assert_conformant(engine, "rules:plantar", allow_warnings=False)

    def test_the_testing_example(self, pytester: pytest.Pytester) -> None:
        pytester.makepyfile(triage_plantar_fasciitis=_code_block("A complete plugin module:", "python"))
        pytester.makepyfile(test_plantar=_code_block("Installing triage registers a pytest plugin", "python"))
        pytester.syspathinsert()
        pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=4)

    def test_every_core_field_is_in_the_field_table(self, triage_engine: triage_core.Engine) -> None:
        text = DOCS.read_text()
        for path in triage_engine.catalog:
            if not path.startswith("extensions."):
                assert f"| `{path}` |" in text, f"docs/plugins.md does not list {path}"
