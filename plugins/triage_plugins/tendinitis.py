"""Tendinitis of the lower-limb tendons other than the Achilles.

Load-dependent pain over a tendon: front of the knee (patellar), outer knee, outer hip
(gluteal), inner ankle (tibialis posterior, which may let a flat foot progress) and
outer ankle (peroneal), or the top of the foot (extensors).
"""

from __future__ import annotations

from collections.abc import Callable

from triage_core import Code, Condition, Escalation, Evidence, Recommendation, RiskFactor, hookimpl
from triage_core import rules as r
from triage_plugins.advice import OVERUSE, RICE, SEE_PHYSIO_IF_NOT_BETTER, personal_advice

TENDON_SITES = ("knee_front", "knee_outer", "hip_outer", "ankle_inner", "ankle_outer", "foot_top")
ARTICLE = "Clinic patient article: lower-leg pain after running (causes, self-care and prevention)."


def _tendinitis() -> Condition:
    factors, advice = personal_advice(*OVERUSE, "flat_feet", "hill_running")
    return Condition(
        id="tendinitis",
        name="Tendinitis (tendinopathy of a knee, hip, ankle or foot tendon)",
        description=(
            "Overuse irritation and swelling of a tendon other than the Achilles: load-dependent pain, start-up "
            "stiffness that warms up, local tenderness and swelling."
        ),
        triage_level="self_care",
        requires=r.any_of("pain.locations", TENDON_SITES),
        evidence=[
            Evidence(
                "tendon_site_pain",
                r.any_of("pain.locations", TENDON_SITES),
                3,
                "Pain over a tendon (front or outer knee, outer hip, inner or outer ankle, top of the foot).",
            ),
            Evidence("gradual_onset", r.equals("pain.onset", "gradual"), 2, "It built up gradually with training."),
            Evidence(
                "warms_up",
                r.is_true("pain.eases_with_warm_up"),
                2,
                "Start-up pain and stiffness that eases as you warm up is typical of a tendon.",
            ),
            Evidence(
                "start_up_pain",
                r.any_of("pain.when", ["start_of_run", "morning"]),
                1,
                "Pain and stiffness at the start of a run or in the morning.",
            ),
            Evidence(
                "load_dependent",
                r.is_true("pain.worse_with_activity"),
                2,
                "The pain depends on load: worse with activity.",
            ),
            Evidence(
                "local_tenderness", r.equals("pain.tender_area", "pinpoint"), 1, "Tenderness localised over the tendon."
            ),
            Evidence("swelling", r.is_true("signs.swelling"), 1, "Swelling over the tendon."),
            Evidence("creaking", r.is_true("signs.creaking"), 1, "Creaking over the tendon."),
            Evidence("thickening", r.is_true("signs.tendon_thickening"), 1, "A thickened tendon."),
            Evidence(
                "previous_tendinopathy",
                r.any_of("runner.previous_injuries", ["other_tendinopathy"]),
                1,
                "An earlier tendinopathy.",
            ),
            Evidence(
                "sudden_onset",
                r.equals("pain.onset", "sudden"),
                -2,
                "A sudden start points to an acute injury (a tear or sprain) rather than tendinitis.",
            ),
            Evidence(
                "acute_injury",
                r.any_(r.is_true("signs.pop_or_snap"), r.is_true("signs.recent_trauma")),
                -2,
                "A pop, fall or twist points to an acute injury.",
            ),
            Evidence(
                "rest_or_night_pain",
                r.any_of("pain.when", ["at_rest", "at_night"]),
                -1,
                "Pain at rest or at night is unusual for tendinitis.",
            ),
        ],
        risk_factors=[
            RiskFactor(
                "flat_foot_tibialis_posterior",
                r.all_(r.equals("runner.foot_arch", "flat"), r.any_of("pain.locations", ["ankle_inner"])),
                "A flat foot with inner-ankle pain: tibialis posterior tendinopathy can let the arch collapse further.",
                False,
            ),
            *factors,
        ],
        escalations=[
            Escalation(
                "tendon_pain_persistent",
                "consultation",
                r.ge("pain.started_days_ago", 42),
                "Tendon pain for 6 weeks or more: see a physiotherapist or sports physician.",
            ),
            Escalation(
                "inner_ankle_flat_foot",
                "consultation",
                r.all_(r.equals("runner.foot_arch", "flat"), r.any_of("pain.locations", ["ankle_inner"])),
                "Inner-ankle tendon pain with a flat foot should be assessed early, before the arch collapses further.",
            ),
        ],
        recommendations=[
            RICE,
            Recommendation(
                "tendon_loading_general",
                "strength",
                "Load the tendon progressively (slow strength exercises for the muscle it belongs to, plus hip and "
                "core strength), keeping pain at or below 5/10.",
            ),
            Recommendation(
                "reduce_aggravating_load",
                "training_plan",
                "Reduce the running that provokes it (hills, speed work, long runs) and build back gradually.",
            ),
            SEE_PHYSIO_IF_NOT_BETTER,
            *advice,
        ],
        codes=[Code.snomed("34840004", "Tendinitis"), Code.snomed("202881005", "Tibialis posterior tendinitis")],
        references=[ARTICLE],
    )


CONDITIONS = (_tendinitis(),)


@hookimpl
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    for condition in CONDITIONS:
        register(condition)
