"""Shin pain: shin splints and the conditions it must be told apart from.

Medial tibial stress syndrome is the usual cause of exercise-induced shin pain; a
tibial stress fracture and compartment syndrome (exertional, or the acute surgical
emergency) look similar at first, so they live in one plugin and are scored against
the same findings. Sources are in each condition's ``references``.
"""

from __future__ import annotations

from collections.abc import Callable

from triage_core import Code, Condition, Evidence, Recommendation, RedFlag, RiskFactor, hookimpl
from triage_core import rules as r
from triage_core.report_schema import PREVIOUS_INJURIES
from triage_plugins.advice import (
    CROSS_TRAIN_WHILE_HEALING,
    OVERUSE,
    RICE,
    SEE_PHYSIO_IF_NOT_BETTER,
    personal_advice,
)

SHIN = ("inner_shin", "front_shin")
LOWER_LEG = ("inner_shin", "front_shin", "calf")
ARTICLE = "Clinic patient article: lower-leg pain after running (causes, self-care and prevention)."

_rest_or_night_pain = r.any_of("pain.when", ["at_rest", "at_night"])


def _shin_splints() -> Condition:
    factors, advice = personal_advice(*OVERUSE, "flat_feet", "heel_striking")
    return Condition(
        id="shin_splints",
        name="Shin splints (medial tibial stress syndrome)",
        description=(
            "Exercise-induced pain along the inner edge of the lower two-thirds of the shin, tender over a long "
            "stretch; usually settles with load management."
        ),
        triage_level="self_care",
        requires=r.any_of("pain.locations", SHIN),
        evidence=[
            Evidence(
                "inner_shin_pain",
                r.any_of("pain.locations", ["inner_shin"]),
                3,
                "Pain along the inner edge of the shin is where shin splints hurt.",
            ),
            Evidence(
                "front_shin_pain", r.any_of("pain.locations", ["front_shin"]), 1, "Pain at the front of the shin."
            ),
            Evidence(
                "diffuse_tenderness",
                r.equals("pain.tender_area", "diffuse"),
                3,
                "Tenderness spread over a stretch of bone rather than one spot is typical of shin splints.",
            ),
            Evidence(
                "long_tender_stretch",
                r.ge("pain.tenderness_length_cm", 5),
                2,
                "A tender stretch of 5 cm or more fits shin splints (Yates & White criteria).",
            ),
            Evidence("both_legs", r.equals("pain.side", "both"), 1, "Shin splints often affect both legs."),
            Evidence("dull_ache", r.any_of("pain.character", ["dull_ache"]), 1, "A dull ache is the usual character."),
            Evidence(
                "eases_with_warm_up",
                r.is_true("pain.eases_with_warm_up"),
                2,
                "Pain that eases as you warm up and returns after the run is typical of shin splints.",
            ),
            Evidence(
                "exercise_induced",
                r.any_(r.any_of("pain.when", ["start_of_run", "after_run"]), r.is_true("pain.worse_with_activity")),
                1,
                "The pain comes with running.",
            ),
            Evidence("gradual_onset", r.equals("pain.onset", "gradual"), 1, "It came on gradually with training."),
            Evidence(
                "pinpoint_tenderness",
                r.equals("pain.tender_area", "pinpoint"),
                -3,
                "Tenderness at one pinpoint spot points to a stress fracture rather than shin splints.",
            ),
            Evidence(
                "rest_or_night_pain",
                _rest_or_night_pain,
                -2,
                "Pain at rest or at night is not typical of shin splints and suggests a stress fracture.",
            ),
            Evidence(
                "hop_pain",
                r.is_true("pain.pain_on_hopping"),
                -2,
                "Pain on hopping suggests a bone stress injury.",
            ),
            Evidence(
                "nerve_symptoms",
                r.any_(r.is_true("signs.numbness_or_tingling"), r.is_true("signs.foot_weakness")),
                -2,
                "Numbness, tingling or foot weakness point to compartment syndrome.",
            ),
            Evidence(
                "predictable_onset_settling",
                r.all_(r.is_true("pain.predictable_onset_in_run"), r.is_true("pain.eases_within_30_min_of_stopping")),
                -2,
                "Pain that starts at the same point in every run and settles soon after stopping suggests "
                "exertional compartment syndrome.",
            ),
            Evidence("sudden_onset", r.equals("pain.onset", "sudden"), -2, "Shin splints do not start suddenly."),
        ],
        risk_factors=[
            RiskFactor("female_sex", r.equals("runner.sex", "female"), "Women are at higher risk (OR 2.35).", False),
            RiskFactor(
                "previous_injury",
                r.any_of("runner.previous_injuries", PREVIOUS_INJURIES),
                "A previous running injury roughly doubles the risk (OR 2.18).",
                False,
            ),
            RiskFactor("higher_bmi", r.ge("runner.bmi", 25), "A higher body-mass index raises the risk.", True),
            RiskFactor(
                "orthotic_use",
                r.is_true("runner.uses_orthotics"),
                "Earlier orthotic use is linked to shin splints (RR 2.31), probably as a marker of foot mechanics.",
                False,
            ),
            RiskFactor(
                "new_runner",
                r.lt("runner.years_running", 2),
                "Fewer years of running: bone and muscle are still adapting to the load.",
                False,
            ),
            *factors,
        ],
        recommendations=[
            RICE,
            CROSS_TRAIN_WHILE_HEALING,
            Recommendation(
                "shin_load_management",
                "training_plan",
                "Cut running to a pain-free volume (pain no more than 3/10 during and after), then build back up "
                "gradually over several weeks.",
            ),
            Recommendation(
                "calf_raises_toe_taps",
                "strength",
                "Do calf raises and toe taps daily, and resistance-band work for the muscles of the shin and calf.",
            ),
            SEE_PHYSIO_IF_NOT_BETTER,
            *advice,
        ],
        codes=[Code.snomed("202888004", "Anterior shin splints")],
        references=[
            "Winters M, et al. Medial tibial stress syndrome: diagnosis and criteria. Br J Sports Med 2018.",
            "Yates B, White S. The incidence and risk factors in the development of medial tibial stress "
            "syndrome among naval recruits. Am J Sports Med 2004.",
            "Reinking MF, et al. Risk factors for MTSS in active individuals: a systematic review and "
            "meta-analysis. Sports Health 2017.",
            "Newman P, et al. Risk factors associated with medial tibial stress syndrome in runners: a systematic "
            "review and meta-analysis. Open Access J Sports Med 2013.",
            "Hamstra-Wright KL, et al. Risk factors for medial tibial stress syndrome in physically active "
            "individuals: a systematic review and meta-analysis. Br J Sports Med 2015.",
            ARTICLE,
        ],
    )


def _stress_fracture() -> Condition:
    factors, advice = personal_advice(
        "load_spike",
        "rapid_weekly_increase",
        "low_calcium_vitamin_d",
        "low_energy_availability",
        "high_arches",
        "worn_shoes",
        "hard_surfaces",
    )
    volume_increase = r.any_(
        r.gt("training.weekly_distance_change_pct", 10),
        r.ratio_above("training.latest_run_km", "training.longest_run_30_days_km", 1.10),
    )
    return Condition(
        id="tibial_stress_fracture",
        name="Tibial stress fracture (bone stress injury)",
        description=(
            "A bone stress injury of the shin bone: focal bony tenderness, pain on hopping, pain when walking, "
            "at rest or at night. Needs assessment within days and no running until then."
        ),
        triage_level="consultation",
        requires=r.any_of("pain.locations", SHIN),
        evidence=[
            Evidence("shin_pain", r.any_of("pain.locations", SHIN), 1, "Pain over the shin bone."),
            Evidence(
                "focal_bony_tenderness",
                r.equals("pain.tender_area", "pinpoint"),
                4,
                "Tenderness at one pinpoint spot on the bone is the strongest sign of a stress fracture "
                "(3 points in the clinical prediction rule).",
            ),
            Evidence(
                "hop_pain",
                r.is_true("pain.pain_on_hopping"),
                3,
                "Pain on hopping on the affected leg (the hop test misses almost no stress fractures).",
            ),
            Evidence(
                "rest_or_night_pain",
                _rest_or_night_pain,
                3,
                "Pain at rest or at night is a warning sign of bone stress.",
            ),
            Evidence(
                "walking_pain", r.any_of("pain.when", ["walking"]), 1, "Pain when walking, not only when running."
            ),
            Evidence(
                "does_not_warm_up",
                r.is_false("pain.eases_with_warm_up"),
                1,
                "Bone pain does not ease as you warm up.",
            ),
            Evidence(
                "one_leg", r.one_of("pain.side", ["left", "right"]), 1, "Stress fractures are usually in one leg."
            ),
            Evidence(
                "focal_swelling",
                r.all_(r.is_true("signs.swelling"), r.equals("pain.tender_area", "pinpoint")),
                1,
                "Swelling over the tender spot.",
            ),
            Evidence(
                "prior_bone_stress_injury",
                r.any_of("runner.previous_injuries", ["stress_fracture"]),
                2,
                "A previous bone stress injury (2 points in the clinical prediction rule).",
            ),
            Evidence(
                "pes_cavus", r.equals("runner.foot_arch", "high"), 2, "High arches (2 points in the prediction rule)."
            ),
            Evidence(
                "volume_increase", volume_increase, 1, "A recent increase in running volume (1 point in the rule)."
            ),
            Evidence(
                "bone_health_risk",
                r.any_(
                    r.is_true("runner.menstrual_irregularity"),
                    r.is_true("runner.low_energy_availability"),
                    r.equals("lifestyle.calcium_vitamin_d", "low"),
                ),
                1,
                "Irregular periods, under-fuelling or low calcium and vitamin D weaken bone.",
            ),
            Evidence("female", r.equals("runner.sex", "female"), 1, "Bone stress injuries are more common in women."),
            Evidence(
                "diffuse_tenderness",
                r.equals("pain.tender_area", "diffuse"),
                -3,
                "Tenderness spread along the bone rather than at one spot makes a fracture less likely.",
            ),
            Evidence(
                "no_bony_tenderness",
                r.equals("pain.tender_area", "none"),
                -3,
                "No bony tenderness: a stress fracture is unlikely (imaging can be deferred).",
            ),
            Evidence(
                "no_hop_pain",
                r.is_false("pain.pain_on_hopping"),
                -3,
                "Hopping does not hurt, which makes a stress fracture unlikely (the hop test is very sensitive).",
            ),
            Evidence(
                "eases_with_warm_up",
                r.is_true("pain.eases_with_warm_up"),
                -2,
                "Pain that warms up is more typical of shin splints.",
            ),
        ],
        risk_factors=[
            RiskFactor(
                "female_sex", r.equals("runner.sex", "female"), "Women are at higher risk of bone stress injury.", False
            ),
            RiskFactor(
                "menstrual_irregularity",
                r.is_true("runner.menstrual_irregularity"),
                "Irregular or absent periods signal low oestrogen and weaker bone.",
                True,
            ),
            RiskFactor(
                "previous_stress_fracture",
                r.any_of("runner.previous_injuries", ["stress_fracture"]),
                "You have had a stress fracture before.",
                False,
            ),
            *factors,
        ],
        red_flags=[
            RedFlag(
                "tibial_stress_fracture",
                "consultation",
                r.all_(
                    r.any_of("pain.locations", SHIN),
                    r.any_(
                        r.equals("pain.tender_area", "pinpoint"),
                        r.is_true("pain.pain_on_hopping"),
                        _rest_or_night_pain,
                        # Clinical prediction rule >= 3 without bony tenderness: prior injury plus high arch
                        # or a volume increase (sensitivity 97.5 %).
                        r.all_(
                            r.any_of("runner.previous_injuries", ["stress_fracture"]),
                            r.any_(r.equals("runner.foot_arch", "high"), volume_increase),
                        ),
                    ),
                ),
                "Possible stress fracture of the shin bone: stop running and see a clinician within the next few days.",
            ),
            RedFlag(
                "tibial_stress_fracture_cannot_walk",
                "consultation_24",
                r.all_(
                    r.any_of("pain.locations", SHIN),
                    _rest_or_night_pain,
                    r.any_(r.any_of("pain.when", ["walking"]), r.is_true("signs.cannot_bear_weight")),
                ),
                "Shin pain at rest and when walking may be a stress fracture: stop running and see a clinician "
                "within 24 hours.",
            ),
        ],
        recommendations=[
            Recommendation(
                "stop_running_bone",
                "professional",
                "Stop running and see a clinician for an examination and, if needed, imaging; bone stress injuries "
                "need a structured return to running.",
            ),
            Recommendation(
                "offload_bone",
                "rest_recovery",
                "Rest the leg from impact; walk only as far as is pain-free. Swimming or cycling are fine if they "
                "do not hurt.",
            ),
            Recommendation(
                "bone_health_check",
                "nutrition",
                "Ask about bone health: energy intake, calcium and vitamin D, and (for women) menstrual health.",
                because=("menstrual_irregularity", "bone_health_risk"),
            ),
            *advice,
        ],
        codes=[Code.snomed("442205007", "Stress fracture of tibia")],
        references=[
            "Clinical prediction rule for tibial bone stress injury in military trainees (778 trainees). "
            "Sports Health 2020.",
            "Milgrom C, et al. Tenderness length does not separate tibial stress fracture from MTSS. 2021.",
            "Hop test for tibial stress fracture: sensitivity 100 %, specificity 45 %.",
            ARTICLE,
        ],
    )


def _exertional_compartment_syndrome() -> Condition:
    return Condition(
        id="exertional_compartment_syndrome",
        name="Chronic exertional compartment syndrome",
        description=(
            "Aching, burning or cramping pain and tightness that starts at a predictable point in every run, "
            "builds while running and settles within about 15-30 minutes of stopping; numbness or foot weakness."
        ),
        triage_level="consultation",
        requires=r.any_of("pain.locations", LOWER_LEG),
        evidence=[
            Evidence(
                "lower_leg_pain",
                r.any_of("pain.locations", LOWER_LEG),
                1,
                "Pain in a muscle compartment of the lower leg.",
            ),
            Evidence(
                "predictable_onset",
                r.is_true("pain.predictable_onset_in_run"),
                3,
                "Pain starting at the same distance or time in every run is the hallmark of exertional "
                "compartment syndrome.",
            ),
            Evidence(
                "settles_after_stopping",
                r.is_true("pain.eases_within_30_min_of_stopping"),
                3,
                "Pain that settles within about 30 minutes of stopping fits exertional compartment syndrome.",
            ),
            Evidence(
                "compartment_pain_character",
                r.any_of("pain.character", ["burning", "cramping", "tightness", "dull_ache"]),
                1,
                "An aching, burning or cramping pain with tightness.",
            ),
            Evidence(
                "numbness_or_tingling",
                r.is_true("signs.numbness_or_tingling"),
                2,
                "Numbness or tingling from pressure on nerves in the compartment.",
            ),
            Evidence(
                "foot_weakness", r.is_true("signs.foot_weakness"), 2, "Foot weakness or foot slapping while running."
            ),
            Evidence("during_run", r.any_of("pain.when", ["during_run"]), 1, "The pain builds during the run."),
            Evidence(
                "worse_with_activity", r.is_true("pain.worse_with_activity"), 1, "Worse the longer you keep running."
            ),
            Evidence("both_legs", r.equals("pain.side", "both"), 1, "It often affects both legs."),
            Evidence(
                "rest_or_night_pain",
                _rest_or_night_pain,
                -2,
                "Pain at rest or at night is not typical: the pain should go away after stopping.",
            ),
            Evidence(
                "does_not_settle",
                r.is_false("pain.eases_within_30_min_of_stopping"),
                -2,
                "Pain that does not settle after stopping does not fit the exertional form.",
            ),
            Evidence(
                "eases_with_warm_up",
                r.is_true("pain.eases_with_warm_up"),
                -1,
                "Pain that eases as you warm up is more like shin splints or a tendon problem.",
            ),
            Evidence(
                "pinpoint_tenderness",
                r.equals("pain.tender_area", "pinpoint"),
                -1,
                "Pinpoint bony tenderness points to bone instead.",
            ),
        ],
        recommendations=[
            Recommendation(
                "compartment_assessment",
                "professional",
                "See a sports-medicine clinician: exertional compartment syndrome is confirmed by measuring "
                "compartment pressures and is often mistaken for shin splints.",
            ),
            Recommendation(
                "stop_at_symptoms",
                "training_plan",
                "Stop running when the tightness or numbness starts rather than pushing through; cross-train in the "
                "meantime.",
            ),
            Recommendation(
                "gait_retraining",
                "technique",
                "Gait retraining towards a forefoot or mid-foot landing with a shorter stride can reduce the pressure "
                "in the front compartment.",
            ),
        ],
        references=[
            "Mayo Clinic. Chronic exertional compartment syndrome: symptoms and causes.",
            ARTICLE,
        ],
    )


def _acute_compartment_syndrome() -> Condition:
    not_settling = r.any_(r.is_false("pain.eases_within_30_min_of_stopping"), _rest_or_night_pain)
    return Condition(
        id="acute_compartment_syndrome",
        name="Acute compartment syndrome",
        description=(
            "Rising pressure in a muscle compartment that cuts off its blood supply: pain out of proportion, a "
            "tense or hard leg, numbness or weakness, after an injury or not easing after stopping. A surgical "
            "emergency."
        ),
        triage_level="emergency",
        requires=r.any_of("pain.locations", LOWER_LEG),
        evidence=[
            Evidence(
                "lower_leg_pain",
                r.any_of("pain.locations", LOWER_LEG),
                1,
                "Pain in a muscle compartment of the lower leg.",
            ),
            Evidence(
                "out_of_proportion",
                r.is_true("pain.out_of_proportion"),
                4,
                "Pain far worse than the injury explains is the earliest sign of acute compartment syndrome.",
            ),
            Evidence("tense_leg", r.is_true("signs.leg_tense_or_hard"), 4, "A tense or hard leg."),
            Evidence(
                "nerve_symptoms",
                r.any_(r.is_true("signs.numbness_or_tingling"), r.is_true("signs.foot_weakness")),
                2,
                "Numbness or weakness.",
            ),
            Evidence("after_trauma", r.is_true("signs.recent_trauma"), 2, "It followed a blow, fall or twist."),
            Evidence("not_settling", not_settling, 2, "The pain does not ease after stopping."),
            Evidence("severe_pain", r.ge("pain.severity", 8), 1, "Severe pain."),
            Evidence(
                "settles_after_stopping",
                r.is_true("pain.eases_within_30_min_of_stopping"),
                -3,
                "Pain that settles after stopping is not acute compartment syndrome.",
            ),
            Evidence("gradual_onset", r.equals("pain.onset", "gradual"), -1, "A gradual onset over days or weeks."),
        ],
        red_flags=[
            RedFlag(
                "acute_compartment_syndrome",
                "emergency",
                r.any_(
                    r.all_(
                        r.is_true("pain.out_of_proportion"),
                        r.any_(
                            r.is_true("signs.leg_tense_or_hard"),
                            r.is_true("signs.numbness_or_tingling"),
                            r.is_true("signs.foot_weakness"),
                            r.is_true("signs.recent_trauma"),
                        ),
                    ),
                    r.all_(
                        r.is_true("signs.leg_tense_or_hard"), r.any_(r.is_true("signs.recent_trauma"), not_settling)
                    ),
                    # A tense leg with nerve symptoms is only exertional when it is known to settle: while
                    # that is unknown the emergency cannot be ruled out, so it fires.
                    r.all_(
                        r.is_true("signs.leg_tense_or_hard"),
                        r.any_(r.is_true("signs.numbness_or_tingling"), r.is_true("signs.foot_weakness")),
                        r.any_(
                            r.is_false("pain.eases_within_30_min_of_stopping"),
                            r.not_(r.present("pain.eases_within_30_min_of_stopping")),
                        ),
                    ),
                ),
                "Possible acute compartment syndrome, a surgical emergency: go to an emergency department now.",
            ),
        ],
        recommendations=[
            Recommendation(
                "compartment_emergency",
                "urgent_care",
                "Go to an emergency department now. Do not raise the leg above heart level or bandage it tightly.",
            ),
        ],
        codes=[Code.snomed("111245009", "Compartment syndrome")],
        references=["Mayo Clinic. Compartment syndrome.", ARTICLE],
    )


CONDITIONS = (_shin_splints(), _stress_fracture(), _exertional_compartment_syndrome(), _acute_compartment_syndrome())


@hookimpl
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    for condition in CONDITIONS:
        register(condition)
