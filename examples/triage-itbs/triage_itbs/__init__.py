"""Iliotibial band syndrome (ITBS): outer-knee pain in runners.

Load-dependent pain over the outer knee that typically starts at a predictable point
of a run, is worse running downhill and on cambered roads, with tenderness over the
outer knee (lateral femoral epicondyle). Managed with a graded return to running and
hip-abductor strengthening.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from triage_core import Condition, Evidence, Recommendation, RiskFactor, hookimpl
from triage_core import rules as r
from triage_core.strict_fields import boolean

NAMESPACE = "itbs"
DOWNHILL = f"extensions.{NAMESPACE}.worse_downhill"
CAMBER = f"extensions.{NAMESPACE}.cambered_roads"

REPORT_FIELDS = {
    "worse_downhill": boolean("The pain is worse running downhill.", "Is the pain worse when you run downhill?"),
    "cambered_roads": boolean(
        "Runs on cambered roads (sloping to the side), often on the same side.",
        "Do you often run on roads that slope to one side?",
    ),
}

ITBS = Condition(
    id="iliotibial_band_syndrome",
    name="Iliotibial band syndrome (ITBS)",
    description=(
        "Overuse pain over the outer knee where the iliotibial band crosses the femur: load-dependent, often "
        "starting at the same point of every run, worse downhill and on cambered roads."
    ),
    triage_level="self_care",
    requires=r.any_of("pain.locations", ["knee_outer"]),
    evidence=[
        Evidence("outer_knee_pain", r.any_of("pain.locations", ["knee_outer"]), 3, "Pain on the outside of the knee."),
        Evidence("worse_downhill", r.is_true(DOWNHILL), 3, "Pain that is worse running downhill is typical of ITBS."),
        Evidence("cambered_roads", r.is_true(CAMBER), 2, "Running on cambered roads strains the iliotibial band."),
        Evidence(
            "predictable_onset",
            r.is_true("pain.predictable_onset_in_run"),
            2,
            "The pain starts at about the same point of every run.",
        ),
        Evidence("load_dependent", r.is_true("pain.worse_with_activity"), 2, "The pain builds with running."),
        Evidence(
            "tender_outer_knee",
            r.equals("pain.tender_area", "pinpoint"),
            1,
            "Tenderness over the bony point on the outside of the knee.",
        ),
        Evidence("gradual_onset", r.equals("pain.onset", "gradual"), 1, "It came on gradually with training."),
        Evidence("during_run", r.any_of("pain.when", ["during_run"]), 1, "It hurts during the run."),
        Evidence(
            "acute_injury",
            r.any_(r.equals("pain.onset", "sudden"), r.is_true("signs.recent_trauma"), r.is_true("signs.pop_or_snap")),
            -3,
            "A sudden start, a twist or a pop points to a ligament or meniscus injury instead.",
        ),
        Evidence(
            "swollen_knee", r.is_true("signs.swelling"), -1, "A swollen knee points to a problem inside the joint."
        ),
        Evidence(
            "rest_pain", r.any_of("pain.when", ["at_rest", "at_night"]), -1, "Pain at rest is not typical of ITBS."
        ),
    ],
    risk_factors=[
        RiskFactor(
            "rapid_weekly_increase",
            r.gt("training.weekly_distance_change_pct", 30),
            "Your weekly distance rose by more than 30%.",
            True,
        ),
        RiskFactor("hill_running", r.is_true("training.hills"), "You run hills regularly.", True),
        RiskFactor(
            "no_strength_training", r.is_false("training.strength_training"), "You do no strength training.", True
        ),
        RiskFactor("cambered_road_running", r.is_true(CAMBER), "You often run on cambered roads.", True),
    ],
    recommendations=[
        Recommendation(
            "itbs_graded_return",
            "training_plan",
            "Cut back to pain-free running, avoid downhills until it settles, then build distance back gradually.",
        ),
        Recommendation(
            "hip_abductor_strength",
            "strength",
            "Strengthen the hip abductors: side-lying leg raises, clamshells and side planks, most days.",
        ),
        Recommendation(
            "switch_road_side",
            "training_plan",
            "Run on flat surfaces, or switch the side of the road you run on, so the camber does not always load "
            "the same leg.",
            because=("cambered_roads", "cambered_road_running"),
        ),
        Recommendation(
            "itbs_relief",
            "acute_relief",
            "Ice the outer knee after running for quick relief.",
        ),
        Recommendation(
            "see_physio_if_persistent",
            "professional",
            "See a physiotherapist if it is not better after 2-3 weeks of reduced running.",
        ),
    ],
    references=[
        "Fredericson M, Wolf C. Iliotibial band syndrome in runners: innovations in treatment. Sports Med 2005.",
        "Baker RL, Fredericson M. Iliotibial band syndrome in runners: biomechanical implications and exercise "
        "interventions. Phys Med Rehabil Clin N Am 2016.",
    ],
)


@hookimpl
def triage_register_report_fields(register: Callable[[str, Mapping[str, Any]], None]) -> None:
    register(NAMESPACE, REPORT_FIELDS)


@hookimpl
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    register(ITBS)
