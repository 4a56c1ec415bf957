"""Muscle pain: delayed-onset soreness (normal adaptation) and calf strain (an injury).

They are told apart by timing: soreness builds 12-24 hours after an unaccustomed
session with no single painful moment; a strain hurts at once, sharply, at push-off.
"""

from __future__ import annotations

from collections.abc import Callable

from triage_core import Code, Condition, Escalation, Evidence, Recommendation, RiskFactor, hookimpl
from triage_core import rules as r
from triage_plugins.advice import RICE, SEE_PHYSIO_IF_NOT_BETTER, personal_advice

ARTICLE = "Clinic patient article: lower-leg pain after running (causes, self-care and prevention)."
MUSCLE_SITES = ("calf", "front_shin", "inner_shin")


def _muscle_soreness() -> Condition:
    factors, advice = personal_advice(
        "load_spike", "rapid_weekly_increase", "no_warm_up", "no_cool_down", "short_sleep"
    )
    return Condition(
        id="muscle_soreness",
        name="Delayed-onset muscle soreness (DOMS)",
        description=(
            "Dull ache, tenderness and stiffness beginning 12-24 hours after unaccustomed, downhill or harder "
            "running, peaking at 24-72 hours and gone in about 5-7 days. Mild soreness is normal adaptation."
        ),
        triage_level="self_care",
        requires=r.any_of("pain.locations", MUSCLE_SITES),
        evidence=[
            Evidence("calf_pain", r.any_of("pain.locations", ["calf"]), 2, "Soreness in the calf muscles."),
            Evidence(
                "shin_muscle_pain",
                r.any_of("pain.locations", ["front_shin", "inner_shin"]),
                1,
                "Soreness in the shin muscles.",
            ),
            Evidence(
                "delayed_onset",
                r.any_of("pain.when", ["next_day"]),
                3,
                "Soreness that appears the day after a run (12-24 hours later) is typical of DOMS.",
            ),
            Evidence(
                "recent_start",
                r.le("pain.started_days_ago", 3),
                2,
                "It began in the last 1-3 days; DOMS peaks at 24-72 hours.",
            ),
            Evidence(
                "unaccustomed_session",
                r.is_true("training.new_or_unaccustomed_session"),
                3,
                "A new, downhill or harder session than usual is what causes DOMS.",
            ),
            Evidence("both_legs", r.equals("pain.side", "both"), 2, "Both legs, as the whole muscle group worked."),
            Evidence(
                "dull_ache", r.any_of("pain.character", ["dull_ache", "tightness"]), 1, "A dull ache and stiffness."
            ),
            Evidence("gradual_onset", r.equals("pain.onset", "gradual"), 1, "No single painful moment."),
            Evidence("mild", r.le("pain.severity", 5), 1, "Mild to moderate soreness."),
            Evidence(
                "sudden_onset",
                r.equals("pain.onset", "sudden"),
                -3,
                "A sudden, single painful moment points to an injury such as a strain.",
            ),
            Evidence("sharp_pain", r.any_of("pain.character", ["sharp"]), -1, "Sharp pain is not typical of soreness."),
            Evidence(
                "long_standing",
                r.gt("pain.started_days_ago", 7),
                -3,
                "Soreness lasting more than a week is not DOMS: persistent pain is not normal adaptation.",
            ),
            Evidence("severe", r.ge("pain.severity", 7), -2, "Severe pain is more than muscle soreness."),
            Evidence(
                "localised_signs",
                r.any_(r.is_true("signs.swelling"), r.is_true("signs.one_calf_swollen"), r.is_true("signs.bruising")),
                -2,
                "Swelling or bruising is not caused by soreness.",
            ),
            Evidence(
                "pinpoint", r.equals("pain.tender_area", "pinpoint"), -1, "Pinpoint tenderness points to an injury."
            ),
        ],
        risk_factors=factors,
        escalations=[
            Escalation(
                "soreness_persistent",
                "consultation",
                r.gt("pain.started_days_ago", 10),
                "Muscle pain that has not gone after 10 days is not ordinary soreness: book an appointment.",
            ),
        ],
        recommendations=[
            Recommendation(
                "easy_movement",
                "rest_recovery",
                "Keep moving gently (walking, easy cycling or swimming) and rest from hard running for 2-3 days; "
                "soreness should fade within about a week.",
            ),
            Recommendation(
                "progress_new_sessions",
                "training_plan",
                "Introduce new sessions (downhills, intervals) gradually so the muscles can adapt.",
            ),
            Recommendation(
                "gentle_stretching",
                "flexibility",
                "Gentle stretching and massage can ease the stiffness.",
            ),
            Recommendation(
                "recovery_nutrition",
                "nutrition",
                "Drink well and eat protein after hard sessions to help recovery.",
            ),
            *advice,
        ],
        codes=[Code.snomed("68962001", "Muscle pain")],
        references=[
            "Cheung K, Hume P, Maxwell L. Delayed onset muscle soreness: treatment strategies and performance "
            "factors. Sports Med 2003.",
            ARTICLE,
        ],
    )


def _calf_strain() -> Condition:
    factors, advice = personal_advice("no_warm_up", "no_stretching", "no_strength_training", "load_spike")
    return Condition(
        id="calf_strain",
        name="Calf muscle strain",
        description=(
            "A tear in the calf muscle: sudden sharp pain at push-off, often in speed or hill work, sometimes with "
            "a pop; local tenderness, bruising and difficulty rising on tiptoe. Grades I-III."
        ),
        triage_level="self_care",
        requires=r.any_of("pain.locations", ["calf"]),
        evidence=[
            Evidence("calf_pain", r.any_of("pain.locations", ["calf"]), 2, "Pain in the calf muscle."),
            Evidence("sudden_onset", r.equals("pain.onset", "sudden"), 3, "It started suddenly, at a single moment."),
            Evidence("sharp_pain", r.any_of("pain.character", ["sharp"]), 2, "A sharp pain, often at push-off."),
            Evidence(
                "speed_or_hills",
                r.any_(r.is_true("training.speed_work"), r.is_true("training.hills")),
                1,
                "Speed or hill work, where calf strains usually happen.",
            ),
            Evidence("pop", r.is_true("signs.pop_or_snap"), 1, "A pop felt in the calf."),
            Evidence(
                "local_tenderness", r.equals("pain.tender_area", "pinpoint"), 1, "Tenderness at one spot in the muscle."
            ),
            Evidence("bruising", r.is_true("signs.bruising"), 2, "Bruising, from bleeding in the muscle."),
            Evidence("cannot_tiptoe", r.is_true("signs.cannot_tiptoe"), 1, "Difficulty rising on tiptoe."),
            Evidence("one_leg", r.one_of("pain.side", ["left", "right"]), 1, "One leg."),
            Evidence("during_run", r.any_of("pain.when", ["during_run"]), 1, "It hurt during the run."),
            Evidence(
                "prior_calf_strain",
                r.any_of("runner.previous_injuries", ["calf_strain"]),
                1,
                "A previous calf strain is the strongest risk factor.",
            ),
            Evidence("gradual_onset", r.equals("pain.onset", "gradual"), -3, "A gradual onset does not fit a strain."),
            Evidence("both_legs", r.equals("pain.side", "both"), -2, "Strains rarely happen in both legs at once."),
            Evidence(
                "next_day",
                r.any_of("pain.when", ["next_day"]),
                -2,
                "Pain appearing the next day is typical of soreness.",
            ),
        ],
        risk_factors=[
            RiskFactor(
                "previous_calf_strain",
                r.any_of("runner.previous_injuries", ["calf_strain"]),
                "You have strained your calf before.",
                False,
            ),
            RiskFactor(
                "age_over_35", r.ge("runner.age_years", 35), "Calf strains become more common from the late 30s.", False
            ),
            *factors,
        ],
        escalations=[
            Escalation(
                "calf_strain_walking",
                "consultation",
                r.all_(r.any_of("pain.when", ["walking"]), r.ge("pain.severity", 5)),
                "A calf strain that stops you walking normally needs assessment: book an appointment.",
            ),
            Escalation(
                "calf_strain_cannot_push_off",
                "consultation",
                r.is_true("signs.cannot_tiptoe"),
                "Unable to rise on tiptoe: a higher-grade strain or an Achilles injury must be ruled out.",
            ),
        ],
        recommendations=[
            RICE,
            Recommendation(
                "calf_strain_rehab",
                "strength",
                "Once walking is comfortable, start calf raises (both legs, then one) and build to hopping before "
                "running again.",
            ),
            Recommendation(
                "calf_return_plan",
                "training_plan",
                "Return with easy running on the flat; add speed and hills last, over 2-6 weeks depending on grade.",
            ),
            SEE_PHYSIO_IF_NOT_BETTER,
            *advice,
        ],
        codes=[Code.snomed("48532005", "Muscle strain")],
        references=[ARTICLE],
    )


CONDITIONS = (_muscle_soreness(), _calf_strain())


@hookimpl
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    for condition in CONDITIONS:
        register(condition)
