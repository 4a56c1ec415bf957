"""Conformance: what a well-made plugin looks like, beyond what start-up refuses.

Start-up validation refuses what cannot work (unknown fields, bad levels, duplicate
ids). Conformance also reports what works but would mislead or puzzle a clinician:
a condition citing no source, a red flag that changes nothing, a malformed code,
texts that are not sentences. Errors must be fixed; warnings deserve a look.
Used by ``triage plugins check`` and by plugin authors' tests
(:func:`triage_core.testing.assert_conformant`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from triage_core.engine import Engine
from triage_core.levels import TriageLevel
from triage_core.model import SNOMED_CT
from triage_core.ruleset import CompiledCondition, CompiledLevelRule

ERROR = "error"
WARNING = "warning"
MAX_TEXT = 400
_URI = re.compile(r"^(https?://|urn:)\S+$")
_SNOMED_ID = re.compile(r"^[1-9][0-9]{5,17}$")


@dataclass(frozen=True)
class Finding:
    severity: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"


def check_plugin(engine: Engine, plugin: str) -> list[Finding]:
    """Every finding about one loaded plugin (by plugin name), load errors first."""
    record = next((item for item in engine.plugins if item.name == plugin), None)
    if record is None:
        return [Finding(ERROR, plugin, "no such plugin was loaded")]
    if record.error:
        return [Finding(ERROR, plugin, record.error)]
    conditions = [condition for condition in engine.ruleset.conditions if condition.plugin.name == plugin]
    flags = [flag for flag in engine.ruleset.red_flags if flag.plugin.name == plugin and flag.condition is None]
    findings = [finding for condition in conditions for finding in _condition(condition)]
    findings += [finding for flag in flags for finding in _level_rule(flag, f"{plugin}: red flag {flag.id!r}")]
    if not conditions and not flags and not record.hooks:
        findings.append(Finding(WARNING, plugin, "contributes nothing"))
    return findings


def _condition(condition: CompiledCondition) -> Iterable[Finding]:
    where = f"{condition.plugin.name}: condition {condition.id!r}"
    definition = condition.definition
    if not condition.references:
        yield Finding(ERROR, where, "cites no references: say where the clinical knowledge comes from")
    if not definition.description.strip():
        yield Finding(WARNING, where, "has no description (shown in /v1/conditions)")
    if condition.requires is None:
        yield Finding(WARNING, where, "has no `requires` gate, so it is scored on every report")
    if not any(rule.weight < 0 for rule in condition.evidence):
        yield Finding(WARNING, where, "has no conflicting evidence: nothing can count against it")
    if not condition.recommendations:
        yield Finding(WARNING, where, "gives no recommendations")
    yield from _sentence(definition.name, where, "name", sentence=False)
    for rule in condition.evidence:
        yield from _sentence(rule.text, f"{where}, evidence {rule.id!r}", "text")
    for factor in condition.risk_factors:
        yield from _sentence(factor.text, f"{where}, risk factor {factor.id!r}", "text")
    for advice in condition.recommendations:
        yield from _sentence(advice.text, f"{where}, recommendation {advice.id!r}", "text")
    texts = [rule.text for rule in condition.evidence]
    for text in sorted({text for text in texts if texts.count(text) > 1}):
        yield Finding(WARNING, where, f"evidence text used twice: {text!r}")
    for flag in condition.red_flags:
        yield from _level_rule(flag, f"{where}, red flag {flag.id!r}")
    for escalation in condition.escalations:
        yield from _sentence(escalation.message, f"{where}, escalation {escalation.id!r}", "message")
    for code in condition.codes:
        if not _URI.match(code.system):
            yield Finding(ERROR, where, f"code system {code.system!r} is not a URI")
        if code.system == SNOMED_CT and not _SNOMED_ID.match(code.code):
            yield Finding(ERROR, where, f"{code.code!r} is not a SNOMED CT identifier (6-18 digits)")


def _level_rule(flag: CompiledLevelRule, where: str) -> Iterable[Finding]:
    if flag.level is TriageLevel.SELF_CARE:
        yield Finding(ERROR, where, "a red flag at self_care changes nothing: give it the level it demands")
    yield from _sentence(flag.message, where, "message")


def _sentence(text: str, where: str, what: str, *, sentence: bool = True) -> Iterable[Finding]:
    stripped = text.strip()
    if stripped != text:
        yield Finding(WARNING, where, f"{what} has leading or trailing spaces")
    if stripped[:1].islower():
        yield Finding(WARNING, where, f"{what} should start with a capital letter: {text!r}")
    if sentence and not stripped.endswith((".", "?", "!")):
        yield Finding(WARNING, where, f"{what} should be a sentence ending with a full stop: {text!r}")
    if len(stripped) > MAX_TEXT:
        yield Finding(WARNING, where, f"{what} is longer than {MAX_TEXT} characters")
