"""Turning evaluation outcomes into the explained result a runner and a clinician read:
evidence with its reasons, risk factors, personal recommendations and the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from triage_core.evaluation import ConditionOutcome
from triage_core.levels import Category, TriageLevel, likelihood_of
from triage_core.result import (
    ConditionResult,
    RecommendationItem,
    RedFlagHit,
    UnknownItem,
)
from triage_core.rules import FieldValues
from triage_core.ruleset import CompiledEvidence, CompiledLevelRule

_SUMMARY_LEAD = {
    TriageLevel.EMERGENCY_AMBULANCE: "Call an ambulance now",
    TriageLevel.EMERGENCY: "Go to an emergency department now",
    TriageLevel.CONSULTATION_24: "See a clinician within 24 hours",
    TriageLevel.CONSULTATION: "Book an appointment with a clinician in the next few days",
    TriageLevel.SELF_CARE: "You can manage this at home; see a clinician if it is not better in 1-2 weeks",
}
#: At these levels the merged advice keeps only what to do now: home exercises next
#: to "go to the emergency department" would blur the one message that matters.
_URGENT_ONLY = (Category.URGENT_CARE, Category.PROFESSIONAL)


def condition_result(
    outcome: ConditionOutcome, values: FieldValues, red_flags: list[CompiledLevelRule]
) -> ConditionResult:
    condition = outcome.condition
    fired_findings = {rule.id for rule in outcome.supporting}
    risk_factors = []
    for factor in condition.risk_factors:
        if factor.check(values):
            fired_findings.add(factor.id)
            risk_factors.append(factor.item)
    recommendations = []
    for advice in condition.recommendations:
        if advice.because:
            because = tuple(finding for finding in advice.because if finding in fired_findings)
            if not because:
                continue
        else:
            because = (condition.id,)
        recommendations.append(RecommendationItem(advice.id, advice.category, advice.text, because))
    return ConditionResult(
        id=condition.id,
        name=condition.name,
        score=outcome.score,
        likelihood=likelihood_of(outcome.score),
        triage_level=outcome.level(red_flags),
        supporting=tuple(rule.item for rule in outcome.supporting),
        conflicting=tuple(rule.item for rule in outcome.conflicting),
        unknown=tuple(_unknown(rule, values) for rule in outcome.unknown),
        risk_factors=tuple(risk_factors),
        recommendations=tuple(recommendations),
        codes=condition.codes,
        plugin=condition.plugin,
        references=condition.references,
    )


def _unknown(rule: CompiledEvidence, values: FieldValues) -> UnknownItem:
    """Name only the fields still missing (a two-field rule may have one answered)."""
    if len(rule.fields) == 1:
        return rule.unknown_item
    missing = tuple(path for path in rule.fields if values.get(path) is None) or rule.fields
    return UnknownItem(rule.id, missing[0], missing, rule.text)


def red_flag_hit(flag: CompiledLevelRule, values: FieldValues) -> RedFlagHit:
    return RedFlagHit(flag.id, flag.level, flag.message, flag.condition, flag.witness(values))


def merged_recommendations(
    level: TriageLevel,
    red_flags: Sequence[RedFlagHit],
    escalations: Iterable[CompiledLevelRule],
    advising: Sequence[ConditionResult],
) -> tuple[RecommendationItem, ...]:
    """Advice across conditions, de-duplicated by id (their ``because`` merged) and
    ordered by category, urgent first."""
    merged: dict[str, RecommendationItem] = {}

    def add(item: RecommendationItem) -> None:
        if level >= TriageLevel.EMERGENCY and item.category not in _URGENT_ONLY:
            return
        known = merged.get(item.id)
        if known is None:
            merged[item.id] = item
        else:
            because = tuple(dict.fromkeys(known.because + item.because))
            merged[item.id] = RecommendationItem(known.id, known.category, known.text, because)

    for flag in red_flags:
        add(RecommendationItem(flag.id, Category.URGENT_CARE, flag.message, (flag.id,)))
    for escalation in escalations:
        add(RecommendationItem(escalation.id, Category.PROFESSIONAL, escalation.message, (escalation.id,)))
    for condition in advising:
        for item in condition.recommendations:
            add(item)
    order = {item_id: index for index, item_id in enumerate(merged)}
    return tuple(sorted(merged.values(), key=lambda item: (item.category.order, order[item.id])))


def summary(level: TriageLevel, red_flags: Sequence[RedFlagHit], conditions: Sequence[ConditionResult]) -> str:
    """One sentence: what to do, how soon, and the main reason."""
    lead = _SUMMARY_LEAD[level]
    names = {condition.id: condition.name for condition in conditions}
    for flag in red_flags:
        if flag.level == level:
            if flag.condition and flag.condition in names:
                return f"{lead}: possible {names[flag.condition]}."
            return f"{lead}: {flag.message.rstrip('.')}."
    for condition in conditions:
        if condition.triage_level == level and condition.likelihood != "low":
            return f"{lead} (most likely: {condition.name})."
    if conditions:
        return f"{lead} (best match so far: {conditions[0].name})."
    return f"{lead}. No condition matched the report; answering the follow-up questions will help."
