"""Which unanswered fields are worth asking about, most useful first.

The engine knows every rule's fields, so it can tell, for each unknown field, what
answering it could do: fire a red flag or make a more urgent condition likely (raise
the triage level), make the condition that sets the level unlikely (lower it), or
move condition scores. Questions that could raise the level come first, the most
urgent first (so red-flag questions lead), then those that could lower it, then the
rest by how much score they put at stake. Each field is judged on its own answer alone
(other unknowns unchanged): the question list is a guide for the next answer to
collect, re-ranked after every answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from triage_core.evaluation import ConditionOutcome
from triage_core.field_catalog import FieldCatalog
from triage_core.levels import MODERATE_FROM, TriageLevel
from triage_core.result import Question
from triage_core.rules import NO_FIELDS, Explore, FieldValues
from triage_core.ruleset import CompiledLevelRule

LEVEL_TARGET = "triage.level"


class _Stakes:
    """What answering each field could change, accumulated over rules."""

    def __init__(self) -> None:
        self.raise_to: dict[str, int] = {}
        self.lowers: set[str] = set()
        self.flag_conditions: dict[str, set[str]] = {}
        self.score_change: dict[str, dict[str, float]] = {}

    def can_raise(self, fields: Iterable[str], urgency: int) -> None:
        raise_to = self.raise_to
        for path in fields:
            if urgency > raise_to.get(path, -1):
                raise_to[path] = urgency

    def rank_key(self, path: str) -> tuple[int, int, float, str]:
        changes = self.score_change.get(path)
        return (
            -self.raise_to.get(path, -1),
            0 if path in self.lowers else 1,
            -sum(changes.values()) if changes else 0.0,
            path,
        )


def rank_questions(
    values: FieldValues,
    catalog: FieldCatalog,
    outcomes: Sequence[ConditionOutcome],
    unknown_red_flags: Sequence[CompiledLevelRule],
    level: TriageLevel,
    level_holders: Sequence[ConditionOutcome],
    limit: int | None = None,
) -> tuple[Question, ...]:
    """Rank the unknown fields; keep the first ``limit`` (all when ``None``).

    ``level_holders`` are the likely conditions whose level equals ``level`` (with no
    red flag holding it): if one of them could become unlikely the level could drop.
    """
    stakes = _Stakes()
    urgency = level.urgency
    for flag in unknown_red_flags:
        if flag.level.urgency > urgency:
            can_fire = flag.explore(values)[1]
            stakes.can_raise(can_fire, flag.level.urgency)
            if flag.condition:
                for path in can_fire:
                    stakes.flag_conditions.setdefault(path, set()).add(flag.condition)
    for outcome in outcomes:
        _condition_stakes(outcome, values, urgency, stakes)
    if len(level_holders) == 1:
        _lowering_stakes(level_holders[0], values, stakes)

    candidates = set(stakes.raise_to) | stakes.lowers | set(stakes.score_change)
    ranked = sorted(candidates, key=stakes.rank_key)
    questions = []
    for path in ranked if limit is None else ranked[:limit]:
        changes = stakes.score_change.get(path, {})
        could_change = [LEVEL_TARGET] if path in stakes.raise_to or path in stakes.lowers else []
        could_change += sorted(changes, key=lambda condition: (-changes[condition], condition))
        could_change += sorted(stakes.flag_conditions.get(path, set()) - set(changes))
        spec = catalog.get(path)
        questions.append(Question(path, spec.question if spec else path, tuple(could_change)))
    return tuple(questions)


def _condition_stakes(outcome: ConditionOutcome, values: FieldValues, urgency: int, stakes: _Stakes) -> None:
    condition = outcome.condition
    total = condition.positive_total
    swings: dict[str, float] = {}  # total weight at stake, both directions
    gains: dict[str, float] = {}
    for rule in outcome.unknown:
        weight = rule.weight
        for path in _deciders(rule.fields, rule.explore, values):
            if weight > 0:
                gains[path] = gains.get(path, 0.0) + weight
                swings[path] = swings.get(path, 0.0) + weight
            else:
                swings[path] = swings.get(path, 0.0) - weight
    gate_fields: frozenset[str] = NO_FIELDS
    if outcome.gate is None and condition.requires is not None:
        gate_fields = condition.requires.explore(values)[1]
        for path in gate_fields:
            # Opening the gate brings in everything the known findings already show.
            swings[path] = swings.get(path, 0.0) + outcome.score * total
    could_rise = condition.level.urgency > urgency and not outcome.likely
    for path, swing in swings.items():
        if swing > 0:
            stakes.score_change.setdefault(path, {})[condition.id] = round(swing / total, 3)
        reachable = outcome.score + gains.get(path, 0.0) / total
        if could_rise and (outcome.gate is True or path in gate_fields) and reachable >= MODERATE_FROM:
            stakes.can_raise((path,), condition.level.urgency)
    for escalation in outcome.unknown_escalations:
        if escalation.level.urgency > urgency:
            stakes.can_raise(escalation.explore(values)[1], escalation.level.urgency)


def _lowering_stakes(holder: ConditionOutcome, values: FieldValues, stakes: _Stakes) -> None:
    total = holder.condition.positive_total
    losses: dict[str, float] = {}
    for rule in holder.unknown:
        if rule.weight < 0:
            for path in _deciders(rule.fields, rule.explore, values):
                losses[path] = losses.get(path, 0.0) - rule.weight
    for path, loss in losses.items():
        if holder.score - loss / total < MODERATE_FROM:
            stakes.lowers.add(path)


def _deciders(fields: tuple[str, ...], explore: Explore, values: FieldValues) -> Iterable[str]:
    """The unknown fields that on their own could make an unknown rule true.
    A one-field rule is decided by that field: no need to explore it."""
    if len(fields) == 1:
        return fields
    return explore(values)[1]
