"""Personal training, footwear and lifestyle advice shared by the overuse conditions.

Each modifiable risk factor here is a finding that triggers advice answering it
(the clinic's article, mapped to the fixed categories). Conditions pick the ones that
apply to them with :func:`personal_advice`; because the recommendation ids are
shared, the engine merges the same advice from several conditions into one item.

Training-load evidence (CONDITIONS.md): a single run > 10 % longer than the longest
run of the previous 30 days raises injury risk (HRR 1.64; Garmin-RUNSAFE, BJSM 2025);
week-to-week ratios did not predict injury (Nielsen 2014). Cadence, shoe mileage and
surface have weak evidence: they trigger advice and never change a score.
"""

from __future__ import annotations

from dataclasses import replace

from triage_core import Recommendation, RiskFactor
from triage_core import rules as r

RISK_FACTORS: dict[str, RiskFactor] = {
    factor.id: factor
    for factor in (
        RiskFactor(
            "load_spike",
            r.ratio_above("training.latest_run_km", "training.longest_run_30_days_km", 1.10),
            "Your latest run was more than 10% longer than your longest run of the previous 30 days "
            "(injury risk about 1.6 times higher).",
            modifiable=True,
        ),
        RiskFactor(
            "rapid_weekly_increase",
            r.gt("training.weekly_distance_change_pct", 30),
            "Your weekly distance rose by more than 30% compared with the previous weeks.",
            modifiable=True,
        ),
        RiskFactor(
            "worn_shoes",
            r.ge("footwear.shoe_distance_km", 800),
            "Your shoes have done more than 800 km, past the usual 480-800 km lifespan.",
            modifiable=True,
        ),
        RiskFactor(
            "ill_fitting_shoes",
            r.equals("footwear.fit", "ill_fitting"),
            "Your running shoes do not fit well.",
            modifiable=True,
        ),
        RiskFactor(
            "low_cadence",
            r.lt("training.cadence_spm", 170),
            "Your cadence is below 170 steps per minute, which usually means longer, heavier strides.",
            modifiable=True,
        ),
        RiskFactor(
            "overstriding",
            r.is_true("training.overstriding"),
            "You overstride, landing with the foot far ahead of your body.",
            modifiable=True,
        ),
        RiskFactor(
            "heel_striking",
            r.equals("training.foot_strike", "heel"),
            "You land on your heel.",
            modifiable=True,
        ),
        RiskFactor(
            "hard_surfaces",
            r.any_of("training.surfaces", ["road", "concrete"]),
            "You run mostly on hard surfaces.",
            modifiable=True,
        ),
        RiskFactor(
            "hill_running",
            r.is_true("training.hills"),
            "You run hills regularly, which loads the calf and Achilles.",
            modifiable=True,
        ),
        RiskFactor("no_warm_up", r.is_false("training.warm_up"), "You do not warm up before running.", True),
        RiskFactor("no_cool_down", r.is_false("training.cool_down"), "You do not cool down after running.", True),
        RiskFactor(
            "no_rest_days", r.equals("training.rest_days_per_week", 0), "You take no rest days in the week.", True
        ),
        RiskFactor("short_sleep", r.lt("lifestyle.sleep_hours", 7), "You sleep less than 7 hours a night.", True),
        RiskFactor(
            "no_cross_training",
            r.is_false("training.cross_training"),
            "You do no low-impact cross-training.",
            modifiable=True,
        ),
        RiskFactor(
            "no_strength_training",
            r.is_false("training.strength_training"),
            "You do no strength training.",
            modifiable=True,
        ),
        RiskFactor("no_stretching", r.is_false("training.stretching"), "You do not stretch regularly.", True),
        RiskFactor(
            "poor_hydration", r.equals("lifestyle.hydration", "poor"), "You often run without drinking enough.", True
        ),
        RiskFactor(
            "low_calcium_vitamin_d",
            r.equals("lifestyle.calcium_vitamin_d", "low"),
            "Your calcium and vitamin D intake is low, which weakens bone.",
            modifiable=True,
        ),
        RiskFactor(
            "low_energy_availability",
            r.is_true("runner.low_energy_availability"),
            "You eat less than your training needs (low energy availability).",
            modifiable=True,
        ),
        RiskFactor(
            "flat_feet",
            r.equals("runner.foot_arch", "flat"),
            "You have flat feet, which strains the inner shin and tendons of the foot.",
            modifiable=False,
        ),
        RiskFactor(
            "high_arches",
            r.equals("runner.foot_arch", "high"),
            "You have high arches (pes cavus), which absorb shock less well.",
            modifiable=False,
        ),
    )
}

ADVICE: tuple[Recommendation, ...] = (
    Recommendation(
        "biomechanical_assessment",
        "professional",
        "Have a biomechanical assessment (gait, alignment, leg-length difference, overpronation, muscle imbalance); "
        "custom orthotics or a change of shoes may help.",
        because=("flat_feet", "high_arches", "overstriding"),
    ),
    Recommendation(
        "graded_return",
        "training_plan",
        "Follow a personalised plan that raises mileage and intensity gradually; keep any single run within 10% "
        "of your longest run of the past 30 days.",
        because=("load_spike", "rapid_weekly_increase"),
    ),
    Recommendation(
        "vary_terrain",
        "training_plan",
        "Vary your terrain: mix softer surfaces such as grass, trail or track into your road running.",
        because=("hard_surfaces",),
    ),
    Recommendation(
        "lower_leg_strength",
        "strength",
        "Strengthen the lower legs: calf raises, toe taps and resistance-band work for the gastrocnemius and "
        "soleus, plus core and hip strength, two or three times a week.",
        because=("no_strength_training",),
    ),
    Recommendation(
        "stretching",
        "flexibility",
        "Stretch regularly: static and dynamic calf stretches and ankle circles; yoga or Pilates help too.",
        because=("no_stretching",),
    ),
    Recommendation(
        "running_form",
        "technique",
        "Avoid overstriding: aim for a cadence around 180 steps per minute (raise it 5-10% at a time) and a "
        "mid-foot landing; a video gait analysis shows what to change.",
        because=("low_cadence", "overstriding", "heel_striking"),
    ),
    Recommendation(
        "replace_shoes",
        "footwear",
        "Replace your running shoes: they last about 480-800 km (300-500 miles).",
        because=("worn_shoes",),
    ),
    Recommendation(
        "shoe_fitting",
        "footwear",
        "Get shoes fitted at a specialty running store, with the support and cushioning your gait needs.",
        because=("ill_fitting_shoes", "high_arches"),
    ),
    Recommendation(
        "stability_shoes",
        "footwear",
        "With flat feet, stability or motion-control shoes (or orthotics) reduce the strain on your shins and tendons.",
        because=("flat_feet",),
    ),
    Recommendation(
        "warm_up_cool_down",
        "warm_up",
        "Warm up with dynamic movements and build your pace gradually; finish with a gentle cool-down and stretching.",
        because=("no_warm_up", "no_cool_down"),
    ),
    Recommendation(
        "rest_and_cross_train",
        "rest_recovery",
        "Take rest days after hard sessions, sleep 7-9 hours, and cross-train with swimming or cycling to keep "
        "fit while your legs recover.",
        because=("no_rest_days", "short_sleep", "no_cross_training"),
    ),
    Recommendation(
        "hydration",
        "nutrition",
        "Drink before, during and after your runs.",
        because=("poor_hydration",),
    ),
    Recommendation(
        "bone_nutrition",
        "nutrition",
        "Get enough calcium and vitamin D for bone health (dairy or fortified foods, leafy greens, sunlight or a "
        "supplement), with enough protein and omega-3.",
        because=("low_calcium_vitamin_d",),
    ),
    Recommendation(
        "fuel_your_training",
        "nutrition",
        "Eat enough for the training you do: under-fuelling weakens bone and slows healing; a sports dietitian "
        "can help.",
        because=("low_energy_availability",),
    ),
)

#: The advice every overuse condition shares, whatever the findings.
RICE = Recommendation(
    "rice",
    "acute_relief",
    "For quick relief use RICE: rest, ice (15-20 minutes a few times a day), compression and elevation.",
)
SEE_PHYSIO_IF_NOT_BETTER = Recommendation(
    "see_physio_if_not_better",
    "professional",
    "See a physical therapist if rest and self-care have not relieved the pain in 1-2 weeks, or sooner if it is "
    "severe or getting worse.",
)
CROSS_TRAIN_WHILE_HEALING = Recommendation(
    "cross_train_while_healing",
    "rest_recovery",
    "Rest from running until it settles and keep fit with low-impact cross-training such as swimming or cycling.",
)


def personal_advice(*risk_factor_ids: str) -> tuple[list[RiskFactor], list[Recommendation]]:
    """The named shared risk factors and the advice answering them.

    Each recommendation keeps only the ``because`` findings this condition uses, so
    the engine can validate it against the condition's own risk factors.
    """
    chosen = set(risk_factor_ids)
    factors = [RISK_FACTORS[factor_id] for factor_id in risk_factor_ids]
    advice = [
        replace(item, because=tuple(finding for finding in item.because if finding in chosen))
        for item in ADVICE
        if chosen.intersection(item.because)
    ]
    return factors, advice


#: The risk factors every running overuse injury shares.
OVERUSE = (
    "load_spike",
    "rapid_weekly_increase",
    "worn_shoes",
    "ill_fitting_shoes",
    "low_cadence",
    "overstriding",
    "hard_surfaces",
    "no_warm_up",
    "no_cool_down",
    "no_rest_days",
    "short_sleep",
    "no_cross_training",
    "no_strength_training",
    "no_stretching",
    "poor_hydration",
)
