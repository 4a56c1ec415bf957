"""Loading plugins from entry points: failures are recorded and isolated, strict mode
raises, the environment chooses plugins, and every mistake names plugin, condition
and rule. Plugins here are installed for real (a module and its .dist-info)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers import BUILTIN_PLUGINS

import triage_core
from triage_core.errors import PluginLoadError
from triage_core.plugin_loading import PluginSelection

GOOD_PLUGIN = """
    from triage_core import Condition, Evidence, hookimpl, rules as r

    @hookimpl
    def triage_register_conditions(register):
        register(Condition(
            id="{condition_id}",
            name="A clinic condition",
            triage_level="self_care",
            requires=r.any_of("pain.locations", ["foot_sole"]),
            evidence=[Evidence("sole", r.any_of("pain.locations", ["foot_sole"]), 3, "Pain under the foot.")],
        ))
"""

Install = Callable[..., None]


def load(*extra: str, strict: bool = False) -> triage_core.Engine:
    return triage_core.load_engine(selection=PluginSelection(load=BUILTIN_PLUGINS | set(extra)), strict=strict)


def record(engine: triage_core.Engine, name: str) -> triage_core.PluginRecord:
    return next(item for item in engine.plugins if item.name == name)


def test_builtin_plugins_load_through_entry_points(engine: triage_core.Engine) -> None:
    assert {item.name for item in engine.plugins} == BUILTIN_PLUGINS
    assert all(item.loaded and item.source == "entry point" for item in engine.plugins)
    assert {item.distribution for item in engine.plugins} == {"runner-triage"}


def test_an_outside_plugin_adds_a_condition(install_plugin: Install) -> None:
    install_plugin("clinic-feet", "clinic_feet", GOOD_PLUGIN.format(condition_id="plantar_pain"))
    engine = load("clinic_feet", strict=True)
    clinic = record(engine, "clinic_feet")
    assert (clinic.distribution, clinic.version, clinic.hooks) == ("clinic-feet", "1.0", ["triage_register_conditions"])
    result = engine.triage({"pain": {"locations": ["foot_sole"]}})
    assert result.conditions[0].id == "plantar_pain"
    assert result.conditions[0].plugin.name == "clinic_feet"


def test_a_plugin_that_fails_to_import_is_recorded_and_skipped(install_plugin: Install) -> None:
    install_plugin("broken-plugin", "broken_plugin", "import does_not_exist\n")
    engine = load("broken_plugin")
    broken = record(engine, "broken_plugin")
    assert not broken.loaded
    assert broken.distribution == "broken-plugin"
    assert "ModuleNotFoundError" in (broken.error or "")
    assert engine.triage({"pain": {"locations": ["inner_shin"]}}).conditions[0].id == "shin_splints"


def test_strict_mode_turns_a_load_failure_into_an_error(install_plugin: Install) -> None:
    install_plugin("broken-plugin", "broken_plugin", "raise RuntimeError('cannot start')\n")
    with pytest.raises(PluginLoadError, match="broken_plugin: could not import broken_plugin: RuntimeError"):
        load("broken_plugin", strict=True)


def test_a_plugin_raising_while_registering_is_dropped_whole(install_plugin: Install) -> None:
    source = (
        GOOD_PLUGIN.format(condition_id="plantar_pain")
        + """
    @hookimpl
    def triage_register_red_flags(register):
        raise ValueError("bad config")
    """
    )
    install_plugin("half-plugin", "half_plugin", source)
    engine = load("half_plugin")
    assert record(engine, "half_plugin").error == "triage_register_red_flags raised ValueError: bad config"
    assert engine.ruleset.condition("plantar_pain") is None


def test_a_misspelt_hook_is_caught(install_plugin: Install) -> None:
    source = """
    from triage_core import hookimpl

    @hookimpl
    def triage_register_condition(register):
        pass
    """
    install_plugin("typo-plugin", "typo_plugin", source)
    engine = load("typo_plugin")
    error = record(engine, "typo_plugin").error or ""
    assert "unknown hook(s) triage_register_condition (misspelt?)" in error
    assert "triage_register_conditions" in error
    with pytest.raises(PluginLoadError, match="misspelt"):
        load("typo_plugin", strict=True)


def test_duplicate_condition_ids_name_both_plugins(install_plugin: Install) -> None:
    install_plugin("copycat", "copycat", GOOD_PLUGIN.format(condition_id="shin_splints"))
    engine = load("copycat")
    assert record(engine, "copycat").error == (
        "plugin 'copycat', condition 'shin_splints': duplicate condition id: already registered by plugin "
        "'shin_splints'"
    )
    assert engine.ruleset.condition("shin_splints").plugin.name == "shin_splints"  # type: ignore[union-attr]


def test_a_rule_on_a_missing_field_names_plugin_condition_and_rule(install_plugin: Install) -> None:
    source = GOOD_PLUGIN.format(condition_id="plantar_pain").replace(
        'Evidence("sole", r.any_of("pain.locations", ["foot_sole"])', 'Evidence("sole", r.is_true("pain.burning_sole")'
    )
    install_plugin("typo-field", "typo_field", source)
    with pytest.raises(PluginLoadError) as caught:
        load("typo_field", strict=True)
    assert "plugin 'typo_field', condition 'plantar_pain', rule 'sole': when: unknown field 'pain.burning_sole'" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        ('triage_level="self_care"', "unknown triage level 'urgent'"),
        ('3, "Pain under the foot."', "weight 30 must be a non-zero number between -10 and 10"),
        ('id="plantar_pain"', "condition id 'Plantar Pain' must be lower_snake_case"),
    ],
)
def test_bad_levels_weights_and_ids_are_refused(install_plugin: Install, replacement: str, message: str) -> None:
    bad = {
        'triage_level="self_care"': 'triage_level="urgent"',
        '3, "Pain under the foot."': '30, "Pain under the foot."',
        'id="plantar_pain"': 'id="Plantar Pain"',
    }[replacement]
    install_plugin(
        "bad-plugin", "bad_plugin", GOOD_PLUGIN.format(condition_id="plantar_pain").replace(replacement, bad)
    )
    engine = load("bad_plugin")
    assert message in (record(engine, "bad_plugin").error or "")


def test_an_extension_namespace_claimed_twice_names_both_plugins(install_plugin: Install) -> None:
    source = """
    from triage_core import hookimpl
    from triage_core.strict_fields import boolean

    @hookimpl
    def triage_register_report_fields(register):
        register("achilles", {"other": boolean("Other.", "Other?")})
    """
    install_plugin("clash-plugin", "clash_plugin", source)
    engine = load("clash_plugin")
    message = "extension namespace 'achilles' is claimed by both plugin 'achilles' and plugin 'clash_plugin'"
    assert record(engine, "clash_plugin").error == message
    assert record(engine, "achilles").error == message
    with pytest.raises(PluginLoadError, match="claimed by both"):
        load("clash_plugin", strict=True)


def test_allow_list_and_deny_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_LOAD_PLUGINS", "shin_splints, safety")
    assert {item.name for item in triage_core.load_engine().plugins} == {"shin_splints", "safety"}
    monkeypatch.setenv("TRIAGE_DISABLE_PLUGINS", "safety")
    assert {item.name for item in triage_core.load_engine().plugins} == {"shin_splints"}
    monkeypatch.setenv("TRIAGE_LOAD_PLUGINS", "")
    assert triage_core.load_engine().plugins == ()


def test_distribution_names_select_all_their_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_LOAD_PLUGINS", "runner-triage")
    assert {item.name for item in triage_core.load_engine().plugins} >= BUILTIN_PLUGINS
    monkeypatch.setenv("TRIAGE_DISABLE_PLUGINS", "runner-triage")
    assert not {item.name for item in triage_core.load_engine().plugins} & BUILTIN_PLUGINS


def test_each_engine_has_its_own_plugin_state(install_plugin: Install) -> None:
    install_plugin("clinic-feet", "clinic_feet", GOOD_PLUGIN.format(condition_id="plantar_pain"))
    with_clinic = load("clinic_feet")
    without = load()
    assert with_clinic.ruleset.condition("plantar_pain") is not None
    assert without.ruleset.condition("plantar_pain") is None
    assert with_clinic.ruleset.digest != without.ruleset.digest


def test_one_plugin_seen_through_two_metadata_copies_loads_once(install_plugin: Install) -> None:
    install_plugin("feet-a", "feet_mod", GOOD_PLUGIN.format(condition_id="plantar_pain"), entry_point="feet")
    install_plugin("feet-b", "feet_mod", GOOD_PLUGIN.format(condition_id="plantar_pain"), entry_point="feet")
    engine = load("feet", strict=True)
    assert [record.name for record in engine.plugins].count("feet") == 1
    assert engine.ruleset.condition("plantar_pain") is not None


def test_a_plugin_name_taken_by_another_module_is_refused(install_plugin: Install) -> None:
    install_plugin("squatter", "squatter_mod", GOOD_PLUGIN.format(condition_id="plantar_pain"), entry_point="safety")
    engine = triage_core.load_engine()
    squatter = next(record for record in engine.plugins if record.distribution == "squatter")
    assert squatter.error == (
        "entry point name 'safety' is also used by distribution 'runner-triage' for triage_plugins.safety; "
        "plugin names must be unique"
    )
    assert next(record for record in engine.plugins if record.name == "safety" and record.loaded)
