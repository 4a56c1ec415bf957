"""Evaluating compiled conditions against one report: findings, scores, levels.

This is the hot path, so it works on plain tuples and closures and keeps the
explanation as references to compiled rules; turning them into result objects
happens only for the conditions that are listed (see :mod:`triage_core.explain`).

The score of a condition is the sum of the weights of its findings that hold
(supporting positive, conflicting negative), floored at 0 and divided by the sum of
all its positive weights. Unknown findings add nothing and take nothing away; they
cap how high the score can go until answered, which is what the follow-up questions
are for.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage_core.levels import MODERATE_FROM, TriageLevel
from triage_core.rules import FieldValues
from triage_core.ruleset import CompiledCondition, CompiledEvidence, CompiledLevelRule


@dataclass(slots=True)
class ConditionOutcome:
    condition: CompiledCondition
    #: The gate's answer: ``True`` (considered), ``None`` (waiting for an answer).
    gate: bool | None
    #: The score the findings give, as if the gate were open.
    score: float
    supporting: list[CompiledEvidence]
    conflicting: list[CompiledEvidence]
    unknown: list[CompiledEvidence]
    fired_escalations: list[CompiledLevelRule]
    unknown_escalations: list[CompiledLevelRule]

    @property
    def listed(self) -> bool:
        """Shown in the result: considered and with some evidence for it."""
        return self.gate is True and self.score > 0

    @property
    def likely(self) -> bool:
        return self.gate is True and self.score >= MODERATE_FROM

    def level(self, red_flags: list[CompiledLevelRule]) -> TriageLevel:
        """The condition's own level, raised by its escalations and red flags that fired."""
        level = self.condition.level
        for rule in self.fired_escalations:
            level = max(level, rule.level)
        for flag in red_flags:
            if flag.condition == self.condition.id:
                level = max(level, flag.level)
        return level


def evaluate_condition(condition: CompiledCondition, values: FieldValues) -> ConditionOutcome | None:
    """Score one condition; ``None`` when its gate is closed (it does not apply)."""
    requires = condition.requires
    gate = True if requires is None else requires.check(values)
    if gate is False:
        return None
    points = 0.0
    supporting: list[CompiledEvidence] = []
    conflicting: list[CompiledEvidence] = []
    unknown: list[CompiledEvidence] = []
    for rule in condition.evidence:
        answer = rule.check(values)
        if answer is None:
            unknown.append(rule)
        elif answer:
            points += rule.weight
            if rule.weight > 0:
                supporting.append(rule)
            else:
                conflicting.append(rule)
    score = min(1.0, points / condition.positive_total) if points > 0 else 0.0
    outcome = ConditionOutcome(condition, gate, round(score, 3), supporting, conflicting, unknown, [], [])
    if outcome.likely:
        for escalation in condition.escalations:
            answer = escalation.check(values)
            if answer:
                outcome.fired_escalations.append(escalation)
            elif answer is None:
                outcome.unknown_escalations.append(escalation)
    return outcome


def check_red_flags(
    flags: tuple[CompiledLevelRule, ...], values: FieldValues
) -> tuple[list[CompiledLevelRule], list[CompiledLevelRule]]:
    """The red flags that fired and those that cannot be ruled out yet."""
    fired: list[CompiledLevelRule] = []
    unknown: list[CompiledLevelRule] = []
    for flag in flags:
        answer = flag.check(values)
        if answer:
            fired.append(flag)
        elif answer is None:
            unknown.append(flag)
    return fired, unknown
