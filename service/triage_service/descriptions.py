"""What the engine has loaded, in the shape ``/v1/conditions``, ``/v1/plugins`` and
``triage plugins`` show: the rules in human text beside their plain-data form."""

from __future__ import annotations

from typing import Any

import triage_core
from triage_core.model import Escalation, Evidence, RedFlag, RiskFactor
from triage_core.rules import Predicate
from triage_core.ruleset import CompiledCondition


def _rule(predicate: Predicate, compiled_fields: tuple[str, ...]) -> dict[str, Any]:
    return {"rule": predicate.describe(), "when": predicate.to_data(), "fields": list(compiled_fields)}


def describe_condition(condition: CompiledCondition) -> dict[str, Any]:
    definition = condition.definition
    evidence: list[dict[str, Any]] = []
    for compiled in condition.evidence:
        item: Evidence = compiled.definition
        evidence.append({"id": item.id, "text": item.text, "weight": item.weight, **_rule(item.when, compiled.fields)})
    risk_factors = []
    for factor in condition.risk_factors:
        risk: RiskFactor = factor.definition
        risk_factors.append(
            {"id": risk.id, "text": risk.text, "modifiable": risk.modifiable, **_rule(risk.when, factor.fields)}
        )
    return {
        "id": condition.id,
        "name": condition.name,
        "description": definition.description,
        "triage_level": condition.level.value,
        "requires": (
            {
                "id": "requires",
                "text": "Considered only when this holds.",
                **_rule(definition.requires, condition.requires.fields),
            }
            if definition.requires is not None and condition.requires is not None
            else None
        ),
        "evidence": evidence,
        "risk_factors": risk_factors,
        "red_flags": [_level_rule(flag.definition, flag.level.value, flag.fields) for flag in condition.red_flags],
        "escalations": [_level_rule(rule.definition, rule.level.value, rule.fields) for rule in condition.escalations],
        "recommendations": [
            {"id": item.id, "category": item.category.value, "text": item.text, "because": list(item.because)}
            for item in condition.recommendations
        ],
        "codes": [{"system": code.system, "code": code.code, "display": code.display} for code in condition.codes],
        "references": list(condition.references),
        "plugin": {"name": condition.plugin.name, "version": condition.plugin.version},
    }


def _level_rule(rule: RedFlag | Escalation, level: str, fields: tuple[str, ...]) -> dict[str, Any]:
    return {"id": rule.id, "text": rule.message, "level": level, **_rule(rule.when, fields)}


def plugin_listing(engine: triage_core.Engine) -> list[dict[str, Any]]:
    """Every plugin the engine tried to load, with what it contributed or why it failed."""
    return [
        {
            "name": record.name,
            "distribution": record.distribution,
            "version": record.version,
            "source": record.source,
            "module": record.module,
            "hooks": list(record.hooks),
            "conditions": [c.id for c in engine.ruleset.conditions if c.plugin.name == record.name],
            "red_flags": [f.id for f in engine.ruleset.red_flags if f.plugin.name == record.name],
            "error": record.error,
        }
        for record in engine.plugins
    ]
