"""Benchmark: the rule engine against a hand-written function checking the same findings.

    python bench/engine_vs_handwritten.py [--seconds 2] [--rounds 5]

``handwritten_assess`` below is what a programmer would write without an engine: the
built-in ruleset's gates, findings (three-valued), scores, red flags, escalations and
triage level, as plain Python. It is checked against ``Engine.assess`` on every case
before timing, so both really do the same work. The script prints microseconds per
report for each, in interleaved rounds of the same run (absolute times on a shared
machine mean little; the ratio is the result), and the cost of the full explained
result (``Engine.evaluate``: evidence texts, questions, recommendations) beside it.

Target (issue #2): the engine's decision within 3x of the hand-written function.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import triage_core
from triage_core.plugin_loading import PluginSelection

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
BUILTINS = frozenset({"shin_splints", "achilles", "tendinitis", "soreness", "safety"})
URGENCY = {"self_care": 0, "consultation": 1, "consultation_24": 2, "emergency": 3, "emergency_ambulance": 4}
MODERATE_FROM = 0.35

Tri = bool | None
V = Mapping[str, Any]


# ----------------------------------------------------------------- hand-written rules


def has(v: V, path: str, *items: str) -> Tri:
    value = v[path]
    return None if value is None else any(item in value for item in items)


def eq(v: V, path: str, expected: object) -> Tri:
    value = v[path]
    return None if value is None else value == expected


def cmp(v: V, path: str, test: Callable[[Any], bool]) -> Tri:
    value = v[path]
    return None if value is None else test(value)


def any_(*answers: Tri) -> Tri:
    return True if True in answers else (None if None in answers else False)


def all_(*answers: Tri) -> Tri:
    return False if False in answers else (None if None in answers else True)


def score(findings: list[tuple[float, Tri]]) -> float:
    total = sum(weight for weight, _ in findings if weight > 0)
    points = sum(weight for weight, answer in findings if answer)
    return round(min(1.0, points / total), 3) if points > 0 else 0.0


def handwritten_assess(v: V) -> tuple[dict[str, float], set[str], str]:
    """Scores of the listed conditions, red flags fired and the triage level."""
    locations = v["pain.locations"]
    onset_sudden, onset_gradual = eq(v, "pain.onset", "sudden"), eq(v, "pain.onset", "gradual")
    warm_up = v["pain.eases_with_warm_up"]
    settles = v["pain.eases_within_30_min_of_stopping"]
    rest_night = has(v, "pain.when", "at_rest", "at_night")
    side_one = cmp(v, "pain.side", lambda side: side in ("left", "right"))
    side_both = eq(v, "pain.side", "both")
    pinpoint = eq(v, "pain.tender_area", "pinpoint")
    days = v["pain.started_days_ago"]
    severity = v["pain.severity"]
    shin = has(v, "pain.locations", "inner_shin", "front_shin")
    lower_leg = has(v, "pain.locations", "inner_shin", "front_shin", "calf")
    calf = has(v, "pain.locations", "calf")
    ratio = (
        None
        if v["training.latest_run_km"] is None or v["training.longest_run_30_days_km"] is None
        else (
            v["training.latest_run_km"] > 0
            if v["training.longest_run_30_days_km"] <= 0
            else v["training.latest_run_km"] > 1.1 * v["training.longest_run_30_days_km"]
        )
    )
    volume_increase = any_(cmp(v, "training.weekly_distance_change_pct", lambda pct: pct > 10), ratio)
    prior_bsi = has(v, "runner.previous_injuries", "stress_fracture")
    stiffness = v["extensions.achilles.morning_stiffness_minutes"]

    conditions: dict[str, tuple[Tri, list[tuple[float, Tri]], str, list[tuple[str, Tri]]]] = {
        "shin_splints": (shin, [
            (3, has(v, "pain.locations", "inner_shin")), (1, has(v, "pain.locations", "front_shin")),
            (3, eq(v, "pain.tender_area", "diffuse")),
            (2, cmp(v, "pain.tenderness_length_cm", lambda cm: cm >= 5)), (1, side_both),
            (1, has(v, "pain.character", "dull_ache")), (2, warm_up),
            (1, any_(has(v, "pain.when", "start_of_run", "after_run"), v["pain.worse_with_activity"])),
            (1, onset_gradual), (-3, pinpoint), (-2, rest_night), (-2, v["pain.pain_on_hopping"]),
            (-2, any_(v["signs.numbness_or_tingling"], v["signs.foot_weakness"])),
            (-2, all_(v["pain.predictable_onset_in_run"], settles)), (-2, onset_sudden),
        ], "self_care", []),
        "tibial_stress_fracture": (shin, [
            (1, shin), (4, pinpoint), (3, v["pain.pain_on_hopping"]), (3, rest_night),
            (1, has(v, "pain.when", "walking")), (1, eq(v, "pain.eases_with_warm_up", False)), (1, side_one),
            (1, all_(v["signs.swelling"], pinpoint)), (2, prior_bsi), (2, eq(v, "runner.foot_arch", "high")),
            (1, volume_increase),
            (1, any_(v["runner.menstrual_irregularity"], v["runner.low_energy_availability"],
                     eq(v, "lifestyle.calcium_vitamin_d", "low"))),
            (1, eq(v, "runner.sex", "female")), (-3, eq(v, "pain.tender_area", "diffuse")),
            (-3, eq(v, "pain.tender_area", "none")), (-3, eq(v, "pain.pain_on_hopping", False)), (-2, warm_up),
        ], "consultation", []),
        "exertional_compartment_syndrome": (lower_leg, [
            (1, lower_leg), (3, v["pain.predictable_onset_in_run"]), (3, settles),
            (1, has(v, "pain.character", "burning", "cramping", "tightness", "dull_ache")),
            (2, v["signs.numbness_or_tingling"]), (2, v["signs.foot_weakness"]), (1, has(v, "pain.when", "during_run")),
            (1, v["pain.worse_with_activity"]), (1, side_both), (-2, rest_night), (-2, eq(v, "pain.eases_within_30_min_of_stopping", False)),
            (-1, warm_up), (-1, pinpoint),
        ], "consultation", []),
        "acute_compartment_syndrome": (lower_leg, [
            (1, lower_leg), (4, v["pain.out_of_proportion"]), (4, v["signs.leg_tense_or_hard"]),
            (2, any_(v["signs.numbness_or_tingling"], v["signs.foot_weakness"])), (2, v["signs.recent_trauma"]),
            (2, any_(eq(v, "pain.eases_within_30_min_of_stopping", False), rest_night)),
            (1, cmp(v, "pain.severity", lambda pain: pain >= 8)), (-3, settles), (-1, onset_gradual),
        ], "emergency", []),
        "achilles_tendinitis": (has(v, "pain.locations", "achilles", "heel"), [
            (3, has(v, "pain.locations", "achilles")), (1, has(v, "pain.locations", "heel")), (2, onset_gradual),
            (2, has(v, "pain.when", "morning")), (2, warm_up), (1, has(v, "pain.when", "start_of_run", "after_run")),
            (1, v["pain.worse_with_activity"]), (1, has(v, "pain.character", "burning", "dull_ache")),
            (1, v["signs.swelling"]), (2, v["signs.tendon_thickening"]), (1, v["signs.creaking"]),
            (1, has(v, "runner.previous_injuries", "achilles_tendinopathy")), (-2, onset_sudden),
            (-4, any_(v["signs.pop_or_snap"], v["signs.felt_kicked"])),
        ], "self_care", [
            ("consultation", None if days is None else days >= 42),
            ("consultation", any_(None if stiffness is None else stiffness > 30,
                                  v["extensions.achilles.other_joints_affected"])),
        ]),
        "achilles_rupture": (has(v, "pain.locations", "achilles", "heel", "calf"), [
            (2, has(v, "pain.locations", "achilles", "heel")), (1, calf), (3, onset_sudden),
            (4, v["signs.pop_or_snap"]), (4, v["signs.felt_kicked"]), (3, v["signs.cannot_tiptoe"]),
            (1, None if days is None else days <= 2), (1, any_(v["signs.swelling"], v["signs.bruising"])),
            (1, v["runner.recent_fluoroquinolone"]), (-3, onset_gradual), (-2, eq(v, "signs.cannot_tiptoe", False)),
            (-2, warm_up),
        ], "emergency", []),
        "tendinitis": (has(v, "pain.locations", "knee_front", "knee_outer", "hip_outer", "ankle_inner", "ankle_outer", "foot_top"), [
            (3, has(v, "pain.locations", "knee_front", "knee_outer", "hip_outer", "ankle_inner", "ankle_outer", "foot_top")),
            (2, onset_gradual), (2, warm_up), (1, has(v, "pain.when", "start_of_run", "morning")),
            (2, v["pain.worse_with_activity"]), (1, pinpoint), (1, v["signs.swelling"]), (1, v["signs.creaking"]),
            (1, v["signs.tendon_thickening"]), (1, has(v, "runner.previous_injuries", "other_tendinopathy")),
            (-2, onset_sudden), (-2, any_(v["signs.pop_or_snap"], v["signs.recent_trauma"])), (-1, rest_night),
        ], "self_care", [
            ("consultation", None if days is None else days >= 42),
            ("consultation", all_(eq(v, "runner.foot_arch", "flat"), has(v, "pain.locations", "ankle_inner"))),
        ]),
        "muscle_soreness": (lower_leg, [
            (2, calf), (1, has(v, "pain.locations", "front_shin", "inner_shin")), (3, has(v, "pain.when", "next_day")),
            (2, None if days is None else days <= 3), (3, v["training.new_or_unaccustomed_session"]), (2, side_both),
            (1, has(v, "pain.character", "dull_ache", "tightness")), (1, onset_gradual),
            (1, None if severity is None else severity <= 5), (-3, onset_sudden), (-1, has(v, "pain.character", "sharp")),
            (-3, None if days is None else days > 7), (-2, None if severity is None else severity >= 7),
            (-2, any_(v["signs.swelling"], v["signs.one_calf_swollen"], v["signs.bruising"])), (-1, pinpoint),
        ], "self_care", [("consultation", None if days is None else days > 10)]),
        "calf_strain": (calf, [
            (2, calf), (3, onset_sudden), (2, has(v, "pain.character", "sharp")),
            (1, any_(v["training.speed_work"], v["training.hills"])), (1, v["signs.pop_or_snap"]), (1, pinpoint),
            (2, v["signs.bruising"]), (1, v["signs.cannot_tiptoe"]), (1, side_one), (1, has(v, "pain.when", "during_run")),
            (1, has(v, "runner.previous_injuries", "calf_strain")), (-3, onset_gradual), (-2, side_both),
            (-2, has(v, "pain.when", "next_day")),
        ], "self_care", [
            ("consultation", all_(has(v, "pain.when", "walking"), None if severity is None else severity >= 5)),
            ("consultation", v["signs.cannot_tiptoe"]),
        ]),
        "dvt": (any_(calf, v["signs.one_calf_swollen"]), [
            (1, calf), (4, v["signs.one_calf_swollen"]), (2, v["signs.calf_warm_or_red"]),
            (1, has(v, "pain.character", "throbbing", "cramping")), (1, side_one), (3, v["signs.breathless_or_chest_pain"]),
            (1, v["history.long_travel_last_4_weeks"]), (2, v["history.surgery_or_immobilisation"]),
            (1, v["history.hormonal_contraception_or_hrt"]), (1, v["history.pregnant"]), (2, v["history.previous_clot"]),
            (2, v["history.active_cancer"]), (-2, side_both),
            (-1, all_(onset_sudden, has(v, "pain.character", "sharp"))),
        ], "consultation_24", []),
    }  # fmt: skip

    tense, numb, weak, trauma = (
        v["signs.leg_tense_or_hard"],
        v["signs.numbness_or_tingling"],
        v["signs.foot_weakness"],
        v["signs.recent_trauma"],
    )
    not_settling = any_(eq(v, "pain.eases_within_30_min_of_stopping", False), rest_night)
    red_flags: dict[str, tuple[str, str | None, Tri]] = {
        "pulmonary_embolism": ("emergency_ambulance", "dvt", all_(v["signs.breathless_or_chest_pain"], any_(
            None if locations is None else bool(locations), v["signs.one_calf_swollen"], v["signs.calf_warm_or_red"],
            v["signs.swelling"]))),
        "achilles_rupture": ("emergency", "achilles_rupture", all_(
            has(v, "pain.locations", "achilles", "heel", "calf"),
            any_(v["signs.pop_or_snap"], v["signs.felt_kicked"], all_(v["signs.cannot_tiptoe"], onset_sudden)))),
        "acute_compartment_syndrome": ("emergency", "acute_compartment_syndrome", any_(
            all_(v["pain.out_of_proportion"], any_(tense, numb, weak, trauma)),
            all_(tense, any_(trauma, not_settling)),
            all_(tense, any_(numb, weak), any_(eq(v, "pain.eases_within_30_min_of_stopping", False), settles is None)))),
        "cannot_bear_weight_after_injury": ("emergency", None, all_(
            v["signs.cannot_bear_weight"], any_(onset_sudden, trauma, v["signs.pop_or_snap"]))),
        "cannot_bear_weight": ("consultation_24", None, v["signs.cannot_bear_weight"]),
        "dvt": ("consultation_24", "dvt", any_(v["signs.one_calf_swollen"], all_(calf, v["signs.calf_warm_or_red"]),
                                               all_(calf, v["signs.breathless_or_chest_pain"]))),
        "leg_infection": ("consultation_24", None, all_(v["signs.fever"], any_(
            v["signs.calf_warm_or_red"], v["signs.swelling"], v["signs.one_calf_swollen"]))),
        "tibial_stress_fracture_cannot_walk": ("consultation_24", "tibial_stress_fracture", all_(
            shin, rest_night, any_(has(v, "pain.when", "walking"), v["signs.cannot_bear_weight"]))),
        "tibial_stress_fracture": ("consultation", "tibial_stress_fracture", all_(shin, any_(
            pinpoint, v["pain.pain_on_hopping"], rest_night,
            all_(prior_bsi, any_(eq(v, "runner.foot_arch", "high"), volume_increase))))),
    }  # fmt: skip
    fired = {flag_id for flag_id, (_, _, answer) in red_flags.items() if answer}
    urgency = max([0] + [URGENCY[red_flags[flag_id][0]] for flag_id in fired])
    scores = {}
    for condition_id, (gate, findings, level, escalations) in conditions.items():
        if gate is not True:
            continue
        condition_score = score(findings)
        if condition_score <= 0:
            continue
        scores[condition_id] = condition_score
        if condition_score >= MODERATE_FROM:
            own = [URGENCY[level]]
            own += [URGENCY[raised] for raised, answer in escalations if answer]
            own += [URGENCY[red_flags[flag_id][0]] for flag_id in fired if red_flags[flag_id][1] == condition_id]
            urgency = max(urgency, *own)
    level = next(name for name, rank in URGENCY.items() if rank == urgency)
    return scores, fired, level


# ------------------------------------------------------------------------ harness


def engine_assess(
    engine: triage_core.Engine, report: triage_core.SymptomReport
) -> tuple[dict[str, float], set[str], str]:
    assessment = engine.assess(report)
    return (
        {outcome.condition.id: outcome.score for outcome in assessment.listed},
        {flag.id for flag in assessment.fired_flags},
        assessment.level.value,
    )


def per_report_microseconds(run: Callable[[], object], reports: int, seconds: float) -> float:
    iterations = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        run()
        iterations += 1
    return elapsed / iterations / reports * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (the median is reported)")
    options = parser.parse_args()

    engine = triage_core.load_engine(selection=PluginSelection(load=BUILTINS), strict=True)
    cases = [case for name in ("examples.json", "clinical.json") for case in json.loads((CASES / name).read_text())]
    reports = [engine.validate(case["report"]) for case in cases]
    for case, report in zip(cases, reports, strict=True):
        expected, got = engine_assess(engine, report), handwritten_assess(report.values)
        if expected != got:
            raise SystemExit(f"hand-written function disagrees with the engine on {case['id']}: {got} != {expected}")

    runs: dict[str, Callable[[], object]] = {
        "hand-written": lambda: [handwritten_assess(report.values) for report in reports],
        "engine.assess": lambda: [engine.assess(report) for report in reports],
        "engine.evaluate": lambda: [engine.evaluate(report) for report in reports],
    }
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(options.rounds):
        for name, run in runs.items():
            samples[name].append(per_report_microseconds(run, len(reports), options.seconds))
    median = {name: statistics.median(values) for name, values in samples.items()}
    baseline = median["hand-written"]
    print(f"{len(reports)} reports, {len(engine.ruleset.conditions)} conditions, median of {options.rounds} rounds")
    print(f"{'':18}{'us/report':>10}{'x hand-written':>16}")
    for name, value in median.items():
        print(f"{name:18}{value:10.1f}{value / baseline:16.2f}")
    ratio = median["engine.assess"] / baseline
    verdict = "meets" if ratio <= 3 else "misses"
    print(f"engine decision / hand-written = {ratio:.2f} ({verdict} the 3x target)")


if __name__ == "__main__":
    main()
