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

    def ranked(self) -> list[str]:
        """Raise the level (most urgent first), then lower it, then most score at stake."""
        raise_to, lowers, score_change = self.raise_to, self.lowers, self.score_change
        keys = {
            path: (-raise_to.get(path, -1), path not in lowers, -sum(score_change.get(path, {}).values()), path)
            for path in raise_to.keys() | lowers | score_change.keys()
        }
        return sorted(keys, key=keys.__getitem__)


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

    ranked = stakes.ranked()
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
    get = values.get
    swings: dict[str, float] = {}  # weight at stake on each unknown field, both directions
    for path, swing, _gain in condition.field_stakes:
        if get(path) is None:
            swings[path] = swing
    open_multi = []
    for rule in condition.multi_field_evidence:
        answer, make_true, _ = rule.explore(values)
        if answer is None:
            open_multi.append((rule.weight, make_true))
            for path in make_true:
                swings[path] = swings.get(path, 0.0) + abs(rule.weight)
    gate_fields: frozenset[str] = NO_FIELDS
    if outcome.gate is None and condition.requires is not None:
        gate_fields = condition.requires.explore(values)[1]
        for path in gate_fields:
            # Opening the gate brings in everything the known findings already show.
            swings[path] = swings.get(path, 0.0) + outcome.score * total
    score_change, condition_id = stakes.score_change, condition.id
    for path, swing in swings.items():
        if swing > 0:
            change = swing / total
            changes = score_change.get(path)
            if changes is None:
                score_change[path] = {condition_id: change}
            else:
                changes[condition_id] = change
    level_urgency = condition.level.urgency
    if level_urgency > urgency and not outcome.likely:
        _rising_stakes(outcome, values, gate_fields, open_multi, stakes)
    for escalation in outcome.unknown_escalations:
        if escalation.level.urgency > urgency:
            stakes.can_raise(escalation.explore(values)[1], escalation.level.urgency)


def _rising_stakes(
    outcome: ConditionOutcome,
    values: FieldValues,
    gate_fields: frozenset[str],
    open_multi: list[tuple[float, frozenset[str]]],
    stakes: _Stakes,
) -> None:
    """The fields whose answer alone could make a more urgent condition likely."""
    condition = outcome.condition
    gains: dict[str, float] = dict.fromkeys(gate_fields, 0.0)
    for path, _swing, gain in condition.field_stakes:
        if gain and values.get(path) is None:
            gains[path] = gain
    for weight, make_true in open_multi:
        if weight > 0:
            for path in make_true:
                gains[path] = gains.get(path, 0.0) + weight
    for path, gain in gains.items():
        reachable = outcome.score + gain / condition.positive_total
        if (outcome.gate is True or path in gate_fields) and reachable >= MODERATE_FROM:
            stakes.can_raise((path,), condition.level.urgency)


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
