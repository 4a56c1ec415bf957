"""Safety net: deep vein thrombosis and the general escalations.

A runner's swollen calf is usually a strain, but a clot looks the same: a unilateral
swollen calf is never left at self-care without checking DVT risk, and leg symptoms
with breathlessness or chest pain mean a possible pulmonary embolism (NHS; NICE NG158).
The other escalations here belong to no single condition: unable to bear weight after
an acute event, and fever with a red, hot, swollen leg.
"""

from __future__ import annotations

from collections.abc import Callable

from triage_core import Condition, Evidence, Recommendation, RedFlag, RiskFactor, hookimpl
from triage_core import rules as r
from triage_core.report_schema import LOCATIONS

REFERENCES = (
    "NHS. Deep vein thrombosis (DVT): symptoms and when to get help.",
    "NICE guideline NG158. Venous thromboembolic diseases: diagnosis, management and thrombophilia testing. 2020.",
)

_calf_pain = r.any_of("pain.locations", ["calf"])
_one_calf_swollen = r.is_true("signs.one_calf_swollen")
_warm_or_red = r.is_true("signs.calf_warm_or_red")
_breathless = r.is_true("signs.breathless_or_chest_pain")
_leg_symptoms = r.any_(
    r.any_of("pain.locations", LOCATIONS), _one_calf_swollen, _warm_or_red, r.is_true("signs.swelling")
)
_acute_event = r.any_(
    r.equals("pain.onset", "sudden"), r.is_true("signs.recent_trauma"), r.is_true("signs.pop_or_snap")
)

_HISTORY = (
    ("long_travel", "history.long_travel_last_4_weeks", 1, "A journey of more than 4 hours in the last 4 weeks."),
    (
        "surgery_or_immobilisation",
        "history.surgery_or_immobilisation",
        2,
        "Surgery or immobilisation in the last 12 weeks.",
    ),
    ("hormones", "history.hormonal_contraception_or_hrt", 1, "Hormonal contraception or HRT."),
    ("pregnancy", "history.pregnant", 1, "Pregnancy or recent birth."),
    ("previous_clot", "history.previous_clot", 2, "A previous blood clot."),
    ("active_cancer", "history.active_cancer", 2, "Active cancer."),
)


def _dvt() -> Condition:
    return Condition(
        id="dvt",
        name="Deep vein thrombosis (blood clot in a leg vein)",
        description=(
            "A clot in a deep leg vein: one swollen, throbbing or cramping calf, warm or red skin, more likely "
            "after travel, surgery or immobilisation, with hormones, pregnancy, a previous clot or cancer."
        ),
        triage_level="consultation_24",
        requires=r.any_(_calf_pain, _one_calf_swollen),
        evidence=[
            Evidence("calf_pain", _calf_pain, 1, "Pain in the calf."),
            Evidence("one_calf_swollen", _one_calf_swollen, 4, "One calf swollen, more than the other."),
            Evidence("warm_or_red", _warm_or_red, 2, "Warm or red skin over the calf."),
            Evidence(
                "throbbing_or_cramping",
                r.any_of("pain.character", ["throbbing", "cramping"]),
                1,
                "A throbbing or cramping pain.",
            ),
            Evidence("one_leg", r.one_of("pain.side", ["left", "right"]), 1, "Only one leg."),
            Evidence(
                "breathless", _breathless, 3, "Breathlessness or chest pain (the clot may have moved to the lungs)."
            ),
            *(
                Evidence(f"{finding}_history", r.is_true(path), weight, text)
                for finding, path, weight, text in _HISTORY
            ),
            Evidence("both_legs", r.equals("pain.side", "both"), -2, "Both legs: a clot usually affects one."),
            Evidence(
                "clear_strain_mechanism",
                r.all_(r.equals("pain.onset", "sudden"), r.any_of("pain.character", ["sharp"])),
                -1,
                "A sudden sharp pain at one moment points to a muscle strain (but a clot can still coexist).",
            ),
        ],
        risk_factors=[RiskFactor(finding, r.is_true(path), text, False) for finding, path, _weight, text in _HISTORY],
        red_flags=[
            RedFlag(
                "dvt",
                "consultation_24",
                r.any_(
                    _one_calf_swollen,
                    r.all_(_calf_pain, _warm_or_red),
                    r.all_(_calf_pain, _breathless),
                ),
                "A swollen, warm or painful calf on one side can be a blood clot (DVT): see a clinician within "
                "24 hours, even if it might be a strain.",
            ),
            RedFlag(
                "pulmonary_embolism",
                "emergency_ambulance",
                r.all_(_breathless, _leg_symptoms),
                "Leg symptoms with breathlessness or chest pain can mean a blood clot in the lungs: call an "
                "ambulance now.",
            ),
        ],
        recommendations=[
            Recommendation(
                "dvt_assessment",
                "urgent_care",
                "Get assessed for a blood clot (a Wells score, D-dimer blood test or ultrasound) within 24 hours; do "
                "not massage the calf or run until a clot has been ruled out.",
            ),
        ],
        references=list(REFERENCES),
    )


RED_FLAGS = (
    RedFlag(
        "cannot_bear_weight_after_injury",
        "emergency",
        r.all_(r.is_true("signs.cannot_bear_weight"), _acute_event),
        "Unable to bear weight after an injury (possible fracture, tendon rupture or severe muscle tear): go to "
        "an emergency department now.",
    ),
    RedFlag(
        "cannot_bear_weight",
        "consultation_24",
        r.is_true("signs.cannot_bear_weight"),
        "Unable to put weight on the leg: see a clinician within 24 hours.",
    ),
    RedFlag(
        "leg_infection",
        "consultation_24",
        r.all_(
            r.is_true("signs.fever"),
            r.any_(_warm_or_red, r.is_true("signs.swelling"), _one_calf_swollen),
        ),
        "Fever with a red, hot or swollen leg can be an infection: see a clinician within 24 hours.",
    ),
)


@hookimpl
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    register(_dvt())


@hookimpl
def triage_register_red_flags(register: Callable[[RedFlag], None]) -> None:
    for flag in RED_FLAGS:
        register(flag)
