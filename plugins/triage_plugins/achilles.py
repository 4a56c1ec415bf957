"""Achilles tendon: tendinopathy and the rupture that must never be missed.

Also declares the ``extensions.achilles`` input fields: how long morning stiffness
lasts and whether other joints are affected, which together point to inflammatory
disease rather than a running overuse injury.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import fields

from triage_core import Code, Condition, Escalation, Evidence, Recommendation, RedFlag, RiskFactor, hookimpl
from triage_core import rules as r
from triage_core.strict_fields import boolean, integer
from triage_plugins.advice import OVERUSE, RICE, SEE_PHYSIO_IF_NOT_BETTER, personal_advice

NAMESPACE = "achilles"
STIFFNESS = f"extensions.{NAMESPACE}.morning_stiffness_minutes"
OTHER_JOINTS = f"extensions.{NAMESPACE}.other_joints_affected"
ARTICLE = "Clinic patient article: lower-leg pain after running (causes, self-care and prevention)."
BACK_OF_LEG = ("achilles", "heel", "calf")


def report_fields() -> dict[str, fields.Field[Any]]:
    return {
        "morning_stiffness_minutes": integer(
            "Minutes the Achilles stays stiff after getting up in the morning.",
            "How many minutes does the stiffness last after you get up in the morning?",
            0,
            1440,
        ),
        "other_joints_affected": boolean(
            "Other joints are painful, stiff or swollen too.",
            "Are other joints (hands, knees, back) also painful, stiff or swollen?",
        ),
    }


def _tendinitis() -> Condition:
    factors, advice = personal_advice(*OVERUSE, "hill_running")
    return Condition(
        id="achilles_tendinitis",
        name="Achilles tendinitis (Achilles tendinopathy)",
        description=(
            "Overuse pain in the Achilles tendon, 2-6 cm above the heel or at its insertion: morning stiffness, "
            "pain at the start of a run that warms up and is worse afterwards, swelling, thickening, creaking."
        ),
        triage_level="self_care",
        requires=r.any_of("pain.locations", ["achilles", "heel"]),
        evidence=[
            Evidence(
                "achilles_pain",
                r.any_of("pain.locations", ["achilles"]),
                3,
                "Pain in the Achilles tendon, usually 2-6 cm above the heel.",
            ),
            Evidence(
                "heel_insertion_pain", r.any_of("pain.locations", ["heel"]), 1, "Pain where the tendon joins the heel."
            ),
            Evidence("gradual_onset", r.equals("pain.onset", "gradual"), 2, "It built up gradually with training."),
            Evidence(
                "morning_stiffness",
                r.any_of("pain.when", ["morning"]),
                2,
                "Morning stiffness and pain in the tendon is typical.",
            ),
            Evidence(
                "warms_up",
                r.is_true("pain.eases_with_warm_up"),
                2,
                "Pain at the start of a run that eases as you warm up, then returns afterwards.",
            ),
            Evidence(
                "start_of_run",
                r.any_of("pain.when", ["start_of_run", "after_run"]),
                1,
                "Pain at the start of or after a run.",
            ),
            Evidence(
                "worse_with_activity",
                r.is_true("pain.worse_with_activity"),
                1,
                "Burning pain that worsens with activity.",
            ),
            Evidence(
                "burning_pain", r.any_of("pain.character", ["burning", "dull_ache"]), 1, "A burning or aching pain."
            ),
            Evidence("swelling", r.is_true("signs.swelling"), 1, "Swelling along the tendon."),
            Evidence("thickening", r.is_true("signs.tendon_thickening"), 2, "A thickened tendon."),
            Evidence("creaking", r.is_true("signs.creaking"), 1, "Creaking (crepitus) over the tendon."),
            Evidence(
                "previous_tendinopathy",
                r.any_of("runner.previous_injuries", ["achilles_tendinopathy"]),
                1,
                "Earlier Achilles tendinopathy is the strongest risk factor.",
            ),
            Evidence(
                "sudden_onset",
                r.equals("pain.onset", "sudden"),
                -2,
                "A sudden start points to a tear or rupture rather than tendinopathy.",
            ),
            Evidence(
                "rupture_signs",
                r.any_(r.is_true("signs.pop_or_snap"), r.is_true("signs.felt_kicked")),
                -4,
                "A pop or a feeling of being kicked points to a rupture.",
            ),
        ],
        risk_factors=[
            RiskFactor(
                "previous_achilles_tendinopathy",
                r.any_of("runner.previous_injuries", ["achilles_tendinopathy"]),
                "You have had Achilles tendinopathy before.",
                False,
            ),
            RiskFactor(
                "fluoroquinolone",
                r.is_true("runner.recent_fluoroquinolone"),
                "Quinolone antibiotics in the last 3 months weaken tendons.",
                False,
            ),
            *factors,
        ],
        escalations=[
            Escalation(
                "achilles_persistent",
                "consultation",
                r.ge("pain.started_days_ago", 42),
                "Achilles pain for 6 weeks or more: see a physiotherapist or sports physician for a loading "
                "programme and assessment.",
            ),
            Escalation(
                "possible_inflammatory_disease",
                "consultation",
                r.any_(r.gt(STIFFNESS, 30), r.is_true(OTHER_JOINTS)),
                "Stiffness lasting more than 30 minutes or other joints affected can mean inflammatory disease: "
                "book an appointment with a clinician.",
            ),
        ],
        recommendations=[
            RICE,
            Recommendation(
                "tendon_loading",
                "strength",
                "Start progressive tendon loading: heel raises (off a step, building to heavy slow resistance) most "
                "days; keep pain at or below 5/10 during and after exercise.",
            ),
            Recommendation(
                "relative_rest_achilles",
                "training_plan",
                "Keep running only if pain stays at or below 5/10 and is no worse the next morning; avoid hills and "
                "speed work until it settles.",
            ),
            Recommendation(
                "quinolone_advice",
                "professional",
                "Tell your doctor about the quinolone antibiotic: it raises the risk of tendon problems.",
                because=("fluoroquinolone",),
            ),
            SEE_PHYSIO_IF_NOT_BETTER,
            *advice,
        ],
        codes=[Code.snomed("11654001", "Achilles tendinitis")],
        references=[
            "Martin RL, et al. Achilles pain, stiffness, and muscle power deficits: midportion Achilles "
            "tendinopathy revision 2018. J Orthop Sports Phys Ther 2018 (clinical practice guideline).",
            "van der Vlist AC, et al. Clinical risk factors for Achilles tendinopathy: a systematic review. "
            "Br J Sports Med 2019.",
            ARTICLE,
        ],
    )


def _rupture() -> Condition:
    return Condition(
        id="achilles_rupture",
        name="Achilles tendon rupture",
        description=(
            "A tear through the Achilles tendon: a sudden pop or snap, a feeling of being kicked in the back of "
            "the heel, unable to stand on tiptoe or push off. 20-25 % are missed at the first visit."
        ),
        triage_level="emergency",
        requires=r.any_of("pain.locations", BACK_OF_LEG),
        evidence=[
            Evidence(
                "achilles_pain", r.any_of("pain.locations", ["achilles", "heel"]), 2, "Pain at the back of the heel."
            ),
            Evidence("calf_pain", r.any_of("pain.locations", ["calf"]), 1, "Pain low in the calf."),
            Evidence("sudden_onset", r.equals("pain.onset", "sudden"), 3, "It started suddenly."),
            Evidence("pop_or_snap", r.is_true("signs.pop_or_snap"), 4, "A pop or snap at the moment of injury."),
            Evidence(
                "felt_kicked", r.is_true("signs.felt_kicked"), 4, "A feeling of being kicked in the back of the leg."
            ),
            Evidence("cannot_tiptoe", r.is_true("signs.cannot_tiptoe"), 3, "Unable to stand on tiptoe or push off."),
            Evidence("just_happened", r.le("pain.started_days_ago", 2), 1, "It happened in the last few days."),
            Evidence(
                "swelling_or_bruising",
                r.any_(r.is_true("signs.swelling"), r.is_true("signs.bruising")),
                1,
                "Swelling or bruising.",
            ),
            Evidence(
                "fluoroquinolone",
                r.is_true("runner.recent_fluoroquinolone"),
                1,
                "Quinolone antibiotics weaken tendons and raise the risk of rupture.",
            ),
            Evidence("gradual_onset", r.equals("pain.onset", "gradual"), -3, "A gradual onset does not fit a rupture."),
            Evidence("can_tiptoe", r.is_false("signs.cannot_tiptoe"), -2, "You can still stand on tiptoe on that leg."),
            Evidence(
                "warms_up", r.is_true("pain.eases_with_warm_up"), -2, "Pain that warms up fits tendinopathy instead."
            ),
        ],
        red_flags=[
            RedFlag(
                "achilles_rupture",
                "emergency",
                r.all_(
                    r.any_of("pain.locations", BACK_OF_LEG),
                    r.any_(
                        r.is_true("signs.pop_or_snap"),
                        r.is_true("signs.felt_kicked"),
                        r.all_(r.is_true("signs.cannot_tiptoe"), r.equals("pain.onset", "sudden")),
                    ),
                ),
                "Possible Achilles tendon rupture: go to an emergency department today; do not walk on it more "
                "than you must.",
            ),
        ],
        recommendations=[
            Recommendation(
                "rupture_emergency",
                "urgent_care",
                "Go to an emergency department today: a ruptured Achilles needs assessment (the Thompson test) and "
                "treatment within days. Keep weight off the leg.",
            ),
        ],
        codes=[Code.snomed("429513001", "Rupture of Achilles tendon")],
        references=[
            "NHS. Achilles tendon rupture: symptoms and when to get help.",
            "A fifth to a quarter of Achilles ruptures are missed at the first visit (review literature).",
            ARTICLE,
        ],
    )


CONDITIONS = (_tendinitis(), _rupture())


@hookimpl
def triage_register_report_fields(register: Callable[[str, Mapping[str, fields.Field[Any]]], None]) -> None:
    register(NAMESPACE, report_fields())


@hookimpl
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    for condition in CONDITIONS:
        register(condition)
