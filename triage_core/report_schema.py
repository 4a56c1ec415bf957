"""The symptom report schema (API v1), exactly as ``design/API.md`` names it.

The schema is the single source of truth for the report: validation, the field
catalogue that rules are checked against, follow-up question texts, the OpenAPI
document and the FHIR Questionnaire are all derived from it. That is why each field
carries its ``description`` and the ``question`` a clinician would ask.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, fields

from triage_core.strict_fields import boolean, choice, choices, integer, number

LOCATIONS = (
    "inner_shin",
    "front_shin",
    "calf",
    "achilles",
    "heel",
    "knee_front",
    "knee_outer",
    "hip_outer",
    "ankle_inner",
    "ankle_outer",
    "foot_top",
    "foot_sole",
)
PREVIOUS_INJURIES = (
    "shin_splints",
    "stress_fracture",
    "achilles_tendinopathy",
    "calf_strain",
    "other_tendinopathy",
    "other",
)
PAIN_CHARACTER = ("sharp", "dull_ache", "burning", "throbbing", "cramping", "tightness")
PAIN_TIMING = (
    "start_of_run",
    "during_run",
    "after_run",
    "next_day",
    "morning",
    "walking",
    "at_rest",
    "at_night",
)
SURFACES = ("road", "concrete", "track", "trail", "treadmill", "grass", "sand")
SHOE_TYPES = ("neutral", "stability", "motion_control", "minimalist", "racing")


class StrictSchema(Schema):
    """Unknown keys are refused: a typo must never be silently ignored."""

    class Meta:
        unknown = RAISE


class RunnerSchema(StrictSchema):
    age_years = integer("Age in years.", "How old are you?", 10, 100)
    sex = choice("Sex.", "What is your sex?", ("female", "male", "other"))
    bmi = number("Body-mass index (kg/m²).", "What is your body-mass index?", 12, 60)
    years_running = number("Years of regular running.", "How many years have you been running?", 0)
    foot_arch = choice("Foot arch type.", "Are your arches flat, normal or high?", ("flat", "normal", "high"))
    previous_injuries = choices(
        "Earlier running injuries.", "Which running injuries have you had before?", PREVIOUS_INJURIES
    )
    uses_orthotics = boolean("Uses shoe inserts or orthotics.", "Do you run with orthotics or inserts?")
    menstrual_irregularity = boolean(
        "Irregular or absent periods (relevant to bone stress injury).",
        "Are your periods irregular or absent?",
    )
    low_energy_availability = boolean(
        "Restrictive eating or under-fuelling for the training done.",
        "Do you often eat less than your training needs, or restrict what you eat?",
    )
    recent_fluoroquinolone = boolean(
        "A quinolone antibiotic (e.g. ciprofloxacin) in the last 3 months.",
        "Have you taken a quinolone antibiotic such as ciprofloxacin in the last 3 months?",
    )


class PainSchema(StrictSchema):
    locations = choices("Where it hurts.", "Where exactly does it hurt?", LOCATIONS)
    side = choice("Which leg.", "Which leg hurts: left, right or both?", ("left", "right", "both"))
    severity = integer("Pain on a 0-10 numeric rating scale.", "How bad is the pain, from 0 to 10?", 0, 10)
    character = choices("What the pain feels like.", "What does the pain feel like?", PAIN_CHARACTER)
    onset = choice("How it started.", "Did the pain start suddenly or build up gradually?", ("gradual", "sudden"))
    started_days_ago = integer("Days since the pain started.", "How many days ago did the pain start?", 0)
    when = choices("When it hurts.", "When does it hurt?", PAIN_TIMING)
    eases_with_warm_up = boolean("Pain eases once warmed up.", "Does the pain ease once you have warmed up?")
    worse_with_activity = boolean("Pain worse with activity.", "Does activity make the pain worse?")
    predictable_onset_in_run = boolean(
        "Pain starts at the same distance or time in every run.",
        "Does the pain start at the same distance or time in every run?",
    )
    eases_within_30_min_of_stopping = boolean(
        "Pain settles within about 30 minutes of stopping.",
        "Does the pain settle within about 30 minutes of stopping?",
    )
    tender_area = choice(
        "How the sore spot feels when pressed.",
        "When you press the sore area, is it one pinpoint spot, a longer stretch, or not tender?",
        ("pinpoint", "diffuse", "none"),
    )
    tenderness_length_cm = number(
        "Length of the tender stretch in centimetres.", "How long is the tender stretch, in centimetres?", 0
    )
    pain_on_hopping = boolean("Hopping on the painful leg hurts.", "Does hopping on the painful leg hurt?")
    out_of_proportion = boolean(
        "Pain far worse than any injury would explain.",
        "Is the pain far worse than the injury seems to explain?",
    )


class SignsSchema(StrictSchema):
    swelling = boolean("Visible swelling at the painful area.", "Is the painful area swollen?")
    one_calf_swollen = boolean("One calf swollen (unilateral).", "Is one calf more swollen than the other?")
    calf_warm_or_red = boolean("Calf skin warm or red.", "Is the skin of the calf warm or red?")
    pop_or_snap = boolean("A pop or snap was felt or heard.", "Did you feel or hear a pop or snap?")
    felt_kicked = boolean(
        "Felt as if kicked in the back of the leg.", "Did it feel as if someone kicked the back of your leg?"
    )
    cannot_tiptoe = boolean(
        "Cannot do a single-leg heel raise on the painful side.",
        "Are you unable to stand on tiptoe on the painful leg alone?",
    )
    cannot_bear_weight = boolean("Cannot put weight on the leg.", "Are you unable to put weight on the leg?")
    numbness_or_tingling = boolean("Numbness or tingling in the leg or foot.", "Do you have numbness or tingling?")
    foot_weakness = boolean("Foot slapping or foot drop.", "Does your foot slap or drop when you walk or run?")
    leg_tense_or_hard = boolean("The leg feels tense or hard.", "Does the leg feel tense or hard to the touch?")
    tendon_thickening = boolean("A thickened tendon.", "Does the tendon feel thickened or lumpy?")
    creaking = boolean("Creaking (crepitus) over a tendon.", "Does the tendon creak when you move it?")
    bruising = boolean("Bruising at the painful area.", "Is there bruising?")
    fever = boolean("Fever.", "Do you have a fever?")
    breathless_or_chest_pain = boolean(
        "Breathlessness or chest pain.", "Are you short of breath, or do you have chest pain?"
    )
    recent_trauma = boolean("A fall, blow or twist.", "Did you fall, get hit or twist the leg?")


class HistorySchema(StrictSchema):
    long_travel_last_4_weeks = boolean(
        "A journey over 4 hours in the last 4 weeks.", "Have you travelled for more than 4 hours in the last 4 weeks?"
    )
    surgery_or_immobilisation = boolean(
        "Surgery or immobilisation in the last 12 weeks.",
        "Have you had surgery, a cast or long bed rest in the last 12 weeks?",
    )
    hormonal_contraception_or_hrt = boolean(
        "Hormonal contraception or HRT.", "Do you take hormonal contraception or HRT?"
    )
    pregnant = boolean("Pregnant or recently given birth.", "Are you pregnant or have you recently given birth?")
    previous_clot = boolean("A previous blood clot.", "Have you ever had a blood clot?")
    active_cancer = boolean("Active cancer.", "Do you have cancer that is being treated or under follow-up?")


class TrainingSchema(StrictSchema):
    weekly_distance_km = number("Weekly running distance (km).", "How many kilometres do you run a week?", 0)
    weekly_distance_change_pct = number(
        "Change in weekly distance vs the previous 4 weeks (%).",
        "By how many percent has your weekly distance changed compared with the previous 4 weeks?",
        -100,
    )
    longest_run_30_days_km = number(
        "Longest run in the 30 days before the latest run (km).",
        "What was your longest run in the 30 days before your latest run, in km?",
        0,
    )
    latest_run_km = number("Distance of the latest run (km).", "How long was your latest run, in km?", 0)
    surfaces = choices("Usual running surfaces.", "What surfaces do you usually run on?", SURFACES)
    hills = boolean("Regular hill running.", "Do you run hills regularly?")
    speed_work = boolean("Speed or interval work.", "Do you do speed or interval sessions?")
    new_or_unaccustomed_session = boolean(
        "A new or unaccustomed session (e.g. first downhill or interval run).",
        "Did you recently do a new or unusual session, such as downhill running or intervals?",
    )
    cadence_spm = integer("Cadence in steps per minute.", "What is your cadence, in steps per minute?", 100, 240)
    foot_strike = choice(
        "Which part of the foot lands first.",
        "Do you land on your heel, midfoot or forefoot?",
        ("heel", "midfoot", "forefoot"),
    )
    overstriding = boolean("Landing with the foot far ahead of the body.", "Do you overstride?")
    warm_up = boolean("Warms up before running.", "Do you warm up before you run?")
    cool_down = boolean("Cools down after running.", "Do you cool down after you run?")
    rest_days_per_week = integer("Rest days per week.", "How many rest days do you take a week?", 0, 7)
    cross_training = boolean("Cross-trains (e.g. swimming, cycling).", "Do you cross-train, e.g. swim or cycle?")
    strength_training = boolean("Does strength training.", "Do you do strength training?")
    stretching = boolean("Stretches regularly.", "Do you stretch regularly?")


class FootwearSchema(StrictSchema):
    shoe_distance_km = number("Distance run in the current shoes (km).", "How many km have your shoes done?", 0)
    fit = choice("Shoe fit.", "Do your running shoes fit well?", ("good", "ill_fitting"))
    type = choice("Shoe type.", "What type of running shoe do you wear?", SHOE_TYPES)


class LifestyleSchema(StrictSchema):
    hydration = choice("Hydration habits.", "Do you drink enough before, during and after runs?", ("good", "poor"))
    calcium_vitamin_d = choice(
        "Calcium and vitamin D intake.", "Do you get enough calcium and vitamin D?", ("adequate", "low")
    )
    sleep_hours = number("Usual hours of sleep a night.", "How many hours do you usually sleep?", 0, 24)


#: The core sections of a report, in the order API.md lists them.
SECTIONS: Mapping[str, type[StrictSchema]] = {
    "runner": RunnerSchema,
    "pain": PainSchema,
    "signs": SignsSchema,
    "history": HistorySchema,
    "training": TrainingSchema,
    "footwear": FootwearSchema,
    "lifestyle": LifestyleSchema,
}


def build_report_schema(extensions: Mapping[str, Mapping[str, fields.Field[Any]]]) -> type[StrictSchema]:
    """The report schema for one engine: the core sections plus the ``extensions``
    namespaces its plugins declared.

    Built per engine (not at import) because the extension fields depend on which
    plugins were loaded, and two engines in one process may load different ones.
    """
    extension_sections: dict[str, fields.Field[Any]] = {
        namespace: fields.Nested(
            _named_schema(f"{_camel(namespace)}ExtensionSchema", declared),
            allow_none=True,
            metadata={"description": f"Fields of the `{namespace}` plugin namespace."},
        )
        for namespace, declared in sorted(extensions.items())
    }
    extensions_schema = _named_schema("ExtensionsSchema", extension_sections)
    declared_sections: dict[str, fields.Field[Any]] = {
        name: fields.Nested(section, allow_none=True) for name, section in SECTIONS.items()
    }
    declared_sections["extensions"] = fields.Nested(
        extensions_schema,
        allow_none=True,
        metadata={"description": "Fields contributed by plugins, one object per plugin namespace."},
    )
    return _named_schema("SymptomReportSchema", declared_sections)


def _named_schema(name: str, declared: Mapping[str, fields.Field[Any]]) -> type[StrictSchema]:
    """A ``StrictSchema`` subclass with a stable class name (OpenAPI uses it)."""
    copied = {key: _copy_field(value) for key, value in declared.items()}
    return type(name, (StrictSchema,), copied)


def _copy_field(field: fields.Field[Any]) -> fields.Field[Any]:
    """Schemas bind their field objects, so each generated schema gets its own copies."""
    return copy.deepcopy(field)


def _camel(namespace: str) -> str:
    return "".join(part.capitalize() for part in namespace.replace("-", "_").split("_"))
