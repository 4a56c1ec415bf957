"""The engine on small, made-up conditions: scoring, unknowns, levels, questions,
recommendations and a plugin failing on one report."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ConditionsPlugin

import triage_core
from triage_core import Condition, Escalation, Evidence, Operator, Recommendation, RedFlag, RiskFactor
from triage_core import rules as r
from triage_core.levels import TriageLevel


def make_engine(*plugins: object, **options: Any) -> triage_core.Engine:
    return triage_core.load_engine(plugins=plugins, entry_points=False, strict=True, **options)


CALF = r.any_of("pain.locations", ["calf"])

TOY = Condition(
    id="toy_strain",
    name="Toy strain",
    triage_level="self_care",
    requires=CALF,
    evidence=[
        Evidence("calf_pain", CALF, 2, "Calf pain."),
        Evidence("sudden", r.equals("pain.onset", "sudden"), 4, "Sudden start."),
        Evidence("sharp", r.any_of("pain.character", ["sharp"]), 2, "Sharp pain."),
        Evidence("bruising", r.is_true("signs.bruising"), 2, "Bruising."),
        Evidence("gradual", r.equals("pain.onset", "gradual"), -4, "Gradual start."),
    ],
    risk_factors=[RiskFactor("no_warm_up", r.is_false("training.warm_up"), "No warm-up.", True)],
    recommendations=[
        Recommendation("rest", "rest_recovery", "Rest."),
        Recommendation("warm_up", "warm_up", "Warm up.", because=("no_warm_up",)),
        Recommendation("ice", "acute_relief", "Ice the bruise.", because=("bruising",)),
    ],
)
TOY_CLOT = Condition(
    id="toy_clot",
    name="Toy clot",
    triage_level="consultation_24",
    requires=CALF,
    evidence=[
        Evidence("calf_pain", CALF, 1, "Calf pain."),
        Evidence("one_swollen", r.is_true("signs.one_calf_swollen"), 3, "One calf swollen."),
    ],
    red_flags=[
        RedFlag(
            "toy_clot_breathless",
            "emergency_ambulance",
            r.all_(CALF, r.is_true("signs.breathless_or_chest_pain")),
            "Call an ambulance.",
        )
    ],
    recommendations=[Recommendation("rest", "rest_recovery", "Rest.")],
)


class TestScoring:
    def test_score_is_fired_weight_over_positive_total(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY))
        result = engine.triage({"pain": {"locations": ["calf"], "onset": "sudden"}})
        (toy,) = result.conditions
        assert toy.score == pytest.approx((2 + 4) / 10)
        assert [item.id for item in toy.supporting] == ["calf_pain", "sudden"]
        assert toy.likelihood == "high"

    def test_conflicting_evidence_lowers_the_score_and_is_explained(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY))
        result = engine.triage({"pain": {"locations": ["calf"], "onset": "gradual", "character": ["sharp"]}})
        assert result.conditions == ()  # 2 + 2 - 4 = 0: not listed
        result = engine.triage(
            {"pain": {"locations": ["calf"], "onset": "gradual", "character": ["sharp"]}, "signs": {"bruising": True}}
        )
        (toy,) = result.conditions
        assert toy.score == pytest.approx(0.2)
        assert [(item.id, item.field, item.weight) for item in toy.conflicting] == [("gradual", "pain.onset", -4)]

    def test_unknown_fields_neither_support_nor_conflict(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY))
        known_absent = engine.triage({"pain": {"locations": ["calf"], "character": []}, "signs": {"bruising": False}})
        unknown = engine.triage({"pain": {"locations": ["calf"]}})
        assert known_absent.conditions[0].score == unknown.conditions[0].score == pytest.approx(0.2)
        assert {item.id for item in unknown.conditions[0].unknown} == {"sudden", "sharp", "bruising", "gradual"}
        assert {item.id for item in known_absent.conditions[0].unknown} == {"sudden", "gradual"}

    def test_a_closed_gate_leaves_the_condition_out(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY))
        assert engine.triage({"pain": {"locations": ["heel"], "onset": "sudden"}}).conditions == ()

    def test_conditions_are_ranked_by_score_then_id(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY, TOY_CLOT))
        result = engine.triage({"pain": {"locations": ["calf"]}})
        # toy_clot 1/4 = 0.25 > toy_strain 2/10
        assert [c.id for c in result.conditions] == ["toy_clot", "toy_strain"]


class TestTriageLevel:
    def test_self_care_when_nothing_applies(self) -> None:
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT)).triage({"pain": {"locations": ["heel"]}})
        assert result.triage.level == "self_care"
        assert result.triage.red_flags == ()

    def test_a_likely_condition_sets_its_level(self) -> None:
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT)).triage(
            {"pain": {"locations": ["calf"]}, "signs": {"one_calf_swollen": True}}
        )
        assert result.condition("toy_clot").likelihood == "high"  # type: ignore[union-attr]
        assert result.triage.level == "consultation_24"

    def test_an_unlikely_condition_does_not_set_its_level(self) -> None:
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT)).triage(
            {"pain": {"locations": ["calf"], "onset": "sudden", "character": ["sharp"]}}
        )
        clot = result.condition("toy_clot")
        assert clot is not None
        assert clot.likelihood == "low"
        assert result.triage.level == "self_care"

    def test_a_red_flag_sets_the_level_whatever_the_scores(self) -> None:
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT)).triage(
            {"pain": {"locations": ["calf"]}, "signs": {"breathless_or_chest_pain": True}}
        )
        assert result.triage.level == "emergency_ambulance"
        (flag,) = result.triage.red_flags
        assert (flag.id, flag.condition, flag.evidence) == (
            "toy_clot_breathless",
            "toy_clot",
            ("pain.locations", "signs.breathless_or_chest_pain"),
        )
        assert result.triage.summary.startswith("Call an ambulance now")
        assert result.recommendations[0].category == "urgent_care"

    def test_the_most_urgent_of_several_applies_and_flags_are_listed_most_urgent_first(self) -> None:
        standalone = RedFlag("toy_fever", "consultation_24", r.is_true("signs.fever"), "See someone.")
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT, red_flags=[standalone])).triage(
            {"pain": {"locations": ["calf"]}, "signs": {"fever": True, "breathless_or_chest_pain": True}}
        )
        assert result.triage.level == "emergency_ambulance"
        assert [flag.id for flag in result.triage.red_flags] == ["toy_clot_breathless", "toy_fever"]
        assert result.triage.red_flags[1].condition is None

    def test_escalations_apply_only_while_the_condition_is_likely(self) -> None:
        persistent = Condition(
            id="toy_tendon",
            name="Toy tendon",
            triage_level="self_care",
            evidence=[Evidence("heel", r.any_of("pain.locations", ["heel"]), 2, "Heel pain.")],
            escalations=[Escalation("persistent", "consultation", r.ge("pain.started_days_ago", 42), "See someone.")],
        )
        engine = make_engine(ConditionsPlugin(persistent))
        likely = engine.triage({"pain": {"locations": ["heel"], "started_days_ago": 60}})
        assert likely.triage.level == "consultation"
        assert likely.conditions[0].triage_level == "consultation"
        assert [item.id for item in likely.recommendations] == ["persistent"]
        unlikely = engine.triage({"pain": {"locations": ["calf"], "started_days_ago": 60}})
        assert unlikely.triage.level == "self_care"


class TestQuestions:
    def test_red_flag_questions_come_first_and_say_what_they_could_change(self) -> None:
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT)).triage({"pain": {"locations": ["calf"]}})
        first = result.questions[0]
        assert first.field == "signs.breathless_or_chest_pain"
        assert first.text == "Are you short of breath, or do you have chest pain?"
        assert first.could_change == ("triage.level", "toy_clot")

    def test_answered_fields_are_never_asked(self) -> None:
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT)).triage(
            {"pain": {"locations": ["calf"], "onset": "gradual"}, "signs": {"breathless_or_chest_pain": False}}
        )
        asked = {question.field for question in result.questions}
        assert not asked & {"pain.locations", "pain.onset", "signs.breathless_or_chest_pain"}
        assert "signs.one_calf_swollen" in asked

    def test_a_question_that_could_make_a_more_urgent_condition_likely_can_change_the_level(self) -> None:
        result = make_engine(ConditionsPlugin(TOY_CLOT)).triage(
            {"pain": {"locations": ["calf"]}, "signs": {"breathless_or_chest_pain": False}}
        )
        swollen = next(q for q in result.questions if q.field == "signs.one_calf_swollen")
        assert swollen.could_change == ("triage.level", "toy_clot")

    def test_score_only_questions_rank_by_weight_at_stake(self) -> None:
        result = make_engine(ConditionsPlugin(TOY)).triage({"pain": {"locations": ["calf"]}})
        assert [q.field for q in result.questions] == ["pain.onset", "pain.character", "signs.bruising"]
        assert all(q.could_change == ("toy_strain",) for q in result.questions)

    def test_an_unknown_gate_field_is_asked(self) -> None:
        result = make_engine(ConditionsPlugin(TOY, TOY_CLOT)).triage({"pain": {"onset": "sudden"}})
        assert result.conditions == ()
        locations = next(q for q in result.questions if q.field == "pain.locations")
        assert set(locations.could_change) >= {"toy_strain", "toy_clot"}

    def test_a_question_that_could_lower_the_level_says_so(self) -> None:
        tendon = Condition(
            id="toy_bone",
            name="Toy bone",
            triage_level="consultation",
            evidence=[
                Evidence("shin", r.any_of("pain.locations", ["inner_shin"]), 2, "Shin."),
                Evidence("no_hop_pain", r.is_false("pain.pain_on_hopping"), -2, "No pain on hopping."),
            ],
        )
        result = make_engine(ConditionsPlugin(tendon)).triage({"pain": {"locations": ["inner_shin"]}})
        assert result.triage.level == "consultation"
        assert result.questions[0].field == "pain.pain_on_hopping"
        assert result.questions[0].could_change[0] == "triage.level"

    def test_the_number_of_questions_can_be_limited_or_not(self) -> None:
        report = {"pain": {"locations": ["calf"]}}
        assert len(make_engine(ConditionsPlugin(TOY), max_questions=1).triage(report).questions) == 1
        assert len(make_engine(ConditionsPlugin(TOY), max_questions=None).triage(report).questions) == 3


class TestRecommendations:
    def test_advice_follows_the_findings_it_answers(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY))
        result = engine.triage({"pain": {"locations": ["calf"], "onset": "sudden"}, "training": {"warm_up": False}})
        toy = result.conditions[0]
        assert [(item.id, item.because) for item in toy.recommendations] == [
            ("rest", ("toy_strain",)),
            ("warm_up", ("no_warm_up",)),
        ]
        assert [item.id for item in toy.risk_factors] == ["no_warm_up"]

    def test_merged_advice_is_deduplicated_and_ordered_by_category(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY, TOY_CLOT))
        result = engine.triage(
            {"pain": {"locations": ["calf"], "onset": "sudden"}, "signs": {"one_calf_swollen": True, "bruising": True}}
        )
        assert [(item.id, item.because) for item in result.recommendations] == [
            ("ice", ("bruising",)),
            ("rest", ("toy_clot", "toy_strain")),  # in the order the conditions rank
        ]

    def test_emergency_results_keep_only_urgent_advice(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY, TOY_CLOT))
        result = engine.triage(
            {"pain": {"locations": ["calf"], "onset": "sudden"}, "signs": {"breathless_or_chest_pain": True}}
        )
        assert {item.category for item in result.recommendations} == {"urgent_care"}


class TestPluginFailingOnAReport:
    @staticmethod
    def explode(values: Any) -> bool:
        raise RuntimeError("boom with private data")

    def test_its_conditions_are_skipped_with_a_warning_and_the_rest_stand(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        fragile = Condition(
            id="fragile",
            name="Fragile",
            triage_level="self_care",
            evidence=[Evidence("boom", r.operator("explode"), 1, "Boom.")],
        )
        engine = make_engine(
            ConditionsPlugin(
                fragile,
                operators=[Operator("explode", self.explode, "Always raises.", reads=("pain.locations",))],
                name="fragile",
            ),
            ConditionsPlugin(TOY),
        )
        result = engine.triage({"pain": {"locations": ["calf"], "onset": "sudden"}})
        assert [c.id for c in result.conditions] == ["toy_strain"]
        (warning,) = result.warnings
        assert warning.code == "plugin_failed"
        assert warning.plugin == "fragile"
        assert warning.conditions == ("fragile",)
        assert "operator 'explode'" in warning.message
        # A failed safety check must never send the runner home silently.
        assert TriageLevel(result.triage.level) >= TriageLevel.CONSULTATION
        assert "private data" not in caplog.text

    def test_a_plugin_that_does_not_fail_leaves_no_warning(self) -> None:
        result = make_engine(ConditionsPlugin(TOY)).triage({"pain": {"locations": ["calf"]}})
        assert result.warnings == ()


class TestResultShape:
    def test_every_result_carries_the_digest_and_a_disclaimer(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY))
        data = engine.triage({}).to_dict()
        assert data["ruleset"]["digest"].startswith("sha256:")
        assert len(data["ruleset"]["digest"]) == len("sha256:") + 64
        assert data["disclaimer"]
        assert data["api_version"] == "1"
        assert data["ruleset"]["plugins"] == [{"name": "test_plugin", "version": "0", "conditions": ["toy_strain"]}]

    def test_the_digest_changes_with_any_rule_and_only_then(self) -> None:
        base = make_engine(ConditionsPlugin(TOY)).ruleset.digest
        assert make_engine(ConditionsPlugin(TOY)).ruleset.digest == base
        reweighted = Condition(
            **{
                **TOY.__dict__,
                "evidence": [
                    *TOY.evidence[:-1],
                    Evidence("gradual", r.equals("pain.onset", "gradual"), -3, "Gradual start."),
                ],
            }
        )
        assert make_engine(ConditionsPlugin(reweighted)).ruleset.digest != base
        retexted = Condition(**{**TOY.__dict__, "name": "Toy strain (renamed)"})
        assert make_engine(ConditionsPlugin(retexted)).ruleset.digest != base

    def test_the_same_report_gives_the_same_result_apart_from_id_and_time(self) -> None:
        engine = make_engine(ConditionsPlugin(TOY, TOY_CLOT))
        report = {"pain": {"locations": ["calf"], "onset": "sudden"}, "signs": {"one_calf_swollen": True}}
        first, second = engine.triage(report).to_dict(), engine.triage(report).to_dict()
        assert first["id"] != second["id"]
        for data in (first, second):
            del data["id"], data["created_at"]
        assert first == second
