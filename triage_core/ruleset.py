"""Checking and compiling what plugins declared, once, at start-up.

Everything a plugin can get wrong is caught here, with the plugin, condition and
rule named, so that a mistake never surfaces as a strange result on some report
months later. What comes out is a :class:`Ruleset` of plain tuples and closures the
evaluator can run in microseconds.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from triage_core.errors import RuleDefinitionError, RulesetError
from triage_core.field_catalog import FieldCatalog
from triage_core.levels import Category, TriageLevel
from triage_core.model import Code, Condition, Escalation, Evidence, Recommendation, RedFlag, RiskFactor
from triage_core.result import EvidenceItem, PluginRef, RiskFactorItem, UnknownItem
from triage_core.rules import Check, CompileContext, Compiled, Explore, FieldValues, Operator, Predicate

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_LEVELS = frozenset(level.value for level in TriageLevel)
_CATEGORIES = frozenset(category.value for category in Category)
MAX_WEIGHT = 10


@dataclass(frozen=True, slots=True)
class CompiledEvidence:
    id: str
    text: str
    weight: float
    check: Check
    fields: tuple[str, ...]
    explore: Explore
    definition: Evidence
    #: Built once: how the finding is shown when it holds, or when it is unknown.
    item: EvidenceItem
    unknown_item: UnknownItem


@dataclass(frozen=True, slots=True)
class CompiledRiskFactor:
    id: str
    text: str
    modifiable: bool
    check: Check
    fields: tuple[str, ...]
    definition: RiskFactor
    item: RiskFactorItem


@dataclass(frozen=True, slots=True)
class CompiledLevelRule:
    """A red flag or an escalation."""

    id: str
    level: TriageLevel
    message: str
    check: Check
    fields: tuple[str, ...]
    witness: Callable[[FieldValues], tuple[str, ...]]
    explore: Explore
    condition: str | None
    plugin: PluginRef
    definition: RedFlag | Escalation


@dataclass(frozen=True, slots=True)
class CompiledRecommendation:
    id: str
    category: Category
    text: str
    because: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    id: str
    name: str
    level: TriageLevel
    requires: Compiled | None
    evidence: tuple[CompiledEvidence, ...]
    #: The sum of the positive weights: the score's denominator.
    positive_total: float
    #: For the follow-up questions: per field read by one-field rules, the weight at
    #: stake either way and the weight in favour (a one-field rule is unknown exactly
    #: when its field is); the rules reading several fields are explored per report.
    field_stakes: tuple[tuple[str, float, float], ...]
    multi_field_evidence: tuple[CompiledEvidence, ...]
    risk_factors: tuple[CompiledRiskFactor, ...]
    red_flags: tuple[CompiledLevelRule, ...]
    escalations: tuple[CompiledLevelRule, ...]
    recommendations: tuple[CompiledRecommendation, ...]
    codes: tuple[Code, ...]
    references: tuple[str, ...]
    plugin: PluginRef
    #: Operators (by name) its rules use, to name the culprit when one raises.
    operators: frozenset[str]
    definition: Condition


def compile_condition(condition: object, plugin: PluginRef, context: CompileContext) -> CompiledCondition:
    """Validate one condition and compile its rules. Raises :class:`RulesetError`."""
    if not isinstance(condition, Condition):
        raise RulesetError(plugin.name, f"register() expects a Condition, got {type(condition).__name__}")
    where = _Where(plugin.name, condition.id)
    _check_id(condition.id, where, "condition id")
    _check_text(condition.name, where, "name")
    level = _level(condition.triage_level, where)
    requires = where.compile(condition.requires, "requires", context) if condition.requires is not None else None

    evidence = tuple(_compile_evidence(item, where, context) for item in condition.evidence)
    if not any(item.weight > 0 for item in evidence):
        where.fail("needs at least one evidence rule with a positive weight")
    risk_factors = tuple(_compile_risk_factor(item, where, context) for item in condition.risk_factors)
    _check_unique([item.id for item in evidence] + [item.id for item in risk_factors], where, "evidence/risk factor id")

    red_flags = tuple(
        compile_level_rule(item, plugin, context, condition=condition.id, expected=RedFlag)
        for item in condition.red_flags
    )
    escalations = tuple(
        compile_level_rule(item, plugin, context, condition=condition.id, expected=Escalation)
        for item in condition.escalations
    )
    _check_unique([item.id for item in red_flags + escalations], where, "red flag/escalation id")
    for escalation in escalations:
        if escalation.level <= level:
            where.fail(f"escalates to {escalation.level.value}, not above the condition's own level", escalation.id)

    findings = {item.id for item in evidence if item.weight > 0} | {item.id for item in risk_factors}
    recommendations = tuple(_compile_recommendation(item, where, findings) for item in condition.recommendations)
    _check_unique([item.id for item in recommendations], where, "recommendation id")

    codes = tuple(_check_code(code, where) for code in condition.codes)
    references = tuple(condition.references)
    for reference in references:
        _check_text(reference, where, "reference")
    return CompiledCondition(
        id=condition.id,
        name=condition.name,
        level=level,
        requires=requires,
        evidence=evidence,
        positive_total=sum(item.weight for item in evidence if item.weight > 0),
        field_stakes=_field_stakes(evidence),
        multi_field_evidence=tuple(item for item in evidence if len(item.fields) > 1),
        risk_factors=risk_factors,
        red_flags=red_flags,
        escalations=escalations,
        recommendations=recommendations,
        codes=codes,
        references=references,
        plugin=plugin,
        operators=_operator_names(condition_to_data(condition)),
        definition=condition,
    )


def _field_stakes(evidence: tuple[CompiledEvidence, ...]) -> tuple[tuple[str, float, float], ...]:
    swing: dict[str, float] = {}
    gain: dict[str, float] = {}
    for item in evidence:
        if len(item.fields) == 1:
            (path,) = item.fields
            swing[path] = swing.get(path, 0.0) + abs(item.weight)
            gain[path] = gain.get(path, 0.0) + max(item.weight, 0.0)
    return tuple((path, swing[path], gain[path]) for path in swing)


def compile_level_rule(
    rule: object,
    plugin: PluginRef,
    context: CompileContext,
    *,
    condition: str | None,
    expected: type[RedFlag] | type[Escalation] = RedFlag,
) -> CompiledLevelRule:
    """Validate and compile a red flag (standalone or in a condition) or an escalation."""
    where = _Where(plugin.name, condition)
    if not isinstance(rule, expected):
        where.fail(f"expected a {expected.__name__}, got {type(rule).__name__}")
    _check_id(rule.id, where, f"{expected.__name__} id")
    level = _level(rule.level, where, rule.id)
    _check_text(rule.message, where, "message", rule.id)
    if isinstance(rule, RedFlag) and rule.condition not in (None, condition):
        where.fail(f"names condition {rule.condition!r} but is declared in {condition!r}", rule.id)
    compiled = where.compile(rule.when, "when", context, rule.id)
    return CompiledLevelRule(
        id=rule.id,
        level=level,
        message=rule.message,
        check=compiled.check,
        fields=compiled.fields,
        witness=compiled.witness,
        explore=compiled.explore,
        condition=condition,
        plugin=plugin,
        definition=rule,
    )


def _compile_evidence(item: object, where: _Where, context: CompileContext) -> CompiledEvidence:
    if not isinstance(item, Evidence):
        where.fail(f"evidence must be Evidence objects, got {type(item).__name__}")
    _check_id(item.id, where, "evidence id")
    _check_text(item.text, where, "text", item.id)
    weight: object = item.weight
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight == 0 or abs(weight) > MAX_WEIGHT:
        where.fail(f"weight {weight!r} must be a non-zero number between -{MAX_WEIGHT} and {MAX_WEIGHT}", item.id)
    compiled = where.compile(item.when, "when", context, item.id)
    fields = compiled.fields
    return CompiledEvidence(
        item.id,
        item.text,
        weight,
        compiled.check,
        fields,
        compiled.explore,
        item,
        EvidenceItem(item.id, fields[0], fields, item.text, weight),
        UnknownItem(item.id, fields[0], fields, item.text),
    )


def _compile_risk_factor(item: object, where: _Where, context: CompileContext) -> CompiledRiskFactor:
    if not isinstance(item, RiskFactor):
        where.fail(f"risk_factors must be RiskFactor objects, got {type(item).__name__}")
    _check_id(item.id, where, "risk factor id")
    _check_text(item.text, where, "text", item.id)
    modifiable: object = item.modifiable
    if not isinstance(modifiable, bool):
        where.fail("modifiable must be true or false", item.id)
    compiled = where.compile(item.when, "when", context, item.id)
    return CompiledRiskFactor(
        item.id,
        item.text,
        modifiable,
        compiled.check,
        compiled.fields,
        item,
        RiskFactorItem(item.id, item.text, modifiable),
    )


def _compile_recommendation(item: object, where: _Where, findings: set[str]) -> CompiledRecommendation:
    if not isinstance(item, Recommendation):
        where.fail(f"recommendations must be Recommendation objects, got {type(item).__name__}")
    _check_id(item.id, where, "recommendation id")
    _check_text(item.text, where, "text", item.id)
    if item.category not in _CATEGORIES:
        where.fail(f"unknown category {item.category!r}; use one of {', '.join(Category)}", item.id)
    category = Category(item.category)
    because = tuple(item.because)
    unknown = [finding for finding in because if finding not in findings]
    if unknown:
        where.fail(
            f"because names {', '.join(map(repr, unknown))}, which is not a supporting evidence or risk factor id "
            "of this condition",
            item.id,
        )
    return CompiledRecommendation(item.id, category, item.text, because)


def _check_code(code: object, where: _Where) -> Code:
    if not isinstance(code, Code):
        where.fail(f"codes must be Code objects, got {type(code).__name__}")
    for name in ("system", "code", "display"):
        _check_text(getattr(code, name), where, f"code {name}")
    return code


def _level(value: object, where: _Where, rule: str | None = None) -> TriageLevel:
    if not isinstance(value, str) or value not in _LEVELS:
        where.fail(f"unknown triage level {value!r}; use one of {', '.join(TriageLevel)}", rule)
    return TriageLevel(value)


def _check_id(value: object, where: _Where, what: str) -> None:
    if not isinstance(value, str) or not _ID.match(value):
        where.fail(f"{what} {value!r} must be lower_snake_case ASCII, starting with a letter, at most 64 characters")


def _check_text(value: object, where: _Where, what: str, rule: str | None = None) -> None:
    if not isinstance(value, str) or not value.strip():
        where.fail(f"{what} must be a non-empty string", rule)


def _check_unique(ids: Iterable[str], where: _Where, what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            where.fail(f"duplicate {what} {value!r}")
        seen.add(value)


@dataclass(frozen=True)
class _Where:
    plugin: str
    condition: str | None

    def fail(self, message: str, rule: str | None = None) -> NoReturn:
        raise RulesetError(self.plugin, message, condition=self.condition, rule=rule)

    def compile(self, predicate: object, what: str, context: CompileContext, rule: str | None = None) -> Compiled:
        if not isinstance(predicate, Predicate):
            self.fail(f"{what} must be a rule built with triage_core.rules, got {type(predicate).__name__}", rule)
        try:
            compiled = predicate.compile(context)
        except RuleDefinitionError as error:
            self.fail(f"{what}: {error}", rule)
        if not compiled.fields:
            self.fail(f"{what}: reads no report field, so it could never be explained or asked about", rule)
        return compiled


def _operator_names(data: Any) -> frozenset[str]:
    if isinstance(data, Mapping):
        found = {str(data["operator"])} if "operator" in data else set()
        for value in data.values():
            found |= _operator_names(value)
        return frozenset(found)
    if isinstance(data, list):
        return frozenset(name for item in data for name in _operator_names(item))
    return frozenset()


# ------------------------------------------------------------------ data and digest


def condition_to_data(condition: Condition) -> dict[str, Any]:
    """The canonical plain-data form of a condition (digest input, ``/v1/conditions``)."""
    return {
        "id": condition.id,
        "name": condition.name,
        "description": condition.description,
        "triage_level": str(TriageLevel(condition.triage_level)),
        "requires": condition.requires.to_data() if condition.requires is not None else None,
        "evidence": [
            {"id": item.id, "weight": item.weight, "text": item.text, "when": item.when.to_data()}
            for item in condition.evidence
        ],
        "risk_factors": [
            {"id": item.id, "modifiable": item.modifiable, "text": item.text, "when": item.when.to_data()}
            for item in condition.risk_factors
        ],
        "red_flags": [level_rule_to_data(item) for item in condition.red_flags],
        "escalations": [level_rule_to_data(item) for item in condition.escalations],
        "recommendations": [
            {"id": item.id, "category": str(Category(item.category)), "text": item.text, "because": list(item.because)}
            for item in condition.recommendations
        ],
        "codes": [{"system": code.system, "code": code.code, "display": code.display} for code in condition.codes],
        "references": list(condition.references),
    }


def level_rule_to_data(rule: RedFlag | Escalation) -> dict[str, Any]:
    return {
        "id": rule.id,
        "level": str(TriageLevel(rule.level)),
        "message": rule.message,
        "when": rule.when.to_data(),
    }


def digest_of(material: Mapping[str, Any]) -> str:
    """``sha256:`` over the canonical JSON of everything that shapes a result."""
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Ruleset:
    """Everything the evaluator needs, compiled, plus what identifies it."""

    conditions: tuple[CompiledCondition, ...]
    red_flags: tuple[CompiledLevelRule, ...]
    catalog: FieldCatalog
    operators: Mapping[str, Operator]
    digest: str
    version: str

    def condition(self, condition_id: str) -> CompiledCondition | None:
        for condition in self.conditions:
            if condition.id == condition_id:
                return condition
        return None
