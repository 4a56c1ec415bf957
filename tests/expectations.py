"""Checking a triage result against the expectation format of ``shared/cases``."""

from __future__ import annotations

from typing import Any

from triage_core.levels import TriageLevel


def unmet(result: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Every expectation the result (in its JSON form) does not meet."""
    problems = []
    level = result["triage"]["level"]
    conditions = [condition["id"] for condition in result["conditions"]]
    if "top" in expect and (not conditions or conditions[0] not in expect["top"]):
        problems.append(f"top condition {conditions[:1]} not in {expect['top']}")
    if "level" in expect and level != expect["level"]:
        problems.append(f"level {level} != {expect['level']}")
    if "levels" in expect and level not in expect["levels"]:
        problems.append(f"level {level} not in {expect['levels']}")
    if "min_level" in expect and TriageLevel(level) < TriageLevel(expect["min_level"]):
        problems.append(f"level {level} below {expect['min_level']}")
    flags = {flag["id"] for flag in result["triage"]["red_flags"]}
    if missing := set(expect.get("red_flags", ())) - flags:
        problems.append(f"red flags {sorted(missing)} missing from {sorted(flags)}")
    categories = {item["category"] for item in result["recommendations"]}
    if missing := set(expect.get("rec_categories", ())) - categories:
        problems.append(f"recommendation categories {sorted(missing)} missing from {sorted(categories)}")
    asked = {question["field"] for question in result["questions"]}
    if "questions_any" in expect and not asked & set(expect["questions_any"]):
        problems.append(f"none of {expect['questions_any']} asked; asked {sorted(asked)}")
    if expect.get("no_conditions") and conditions:
        problems.append(f"expected no conditions, got {conditions}")
    return problems
