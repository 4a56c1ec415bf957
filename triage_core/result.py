"""The triage result, as immutable objects (API.md "Response: 200").

Embedders read these attributes directly; the HTTP service and the CLI dump them
through :class:`triage_core.result_schema.TriageResultSchema`, which is also what
the OpenAPI document describes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from triage_core.levels import Category, Likelihood, TriageLevel
from triage_core.model import Code
from triage_core.result_schema import TriageResultSchema

API_VERSION = "1"


@functools.cache
def _result_schema() -> TriageResultSchema:
    """One serializer, built on first use: a marshmallow schema holds no per-dump state,
    and building one (with its nested schemas) costs more than a dump."""
    return TriageResultSchema()


@dataclass(frozen=True, slots=True)
class PluginRef:
    """Which plugin a condition came from."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: str
    field: str
    fields: tuple[str, ...]
    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class UnknownItem:
    id: str
    field: str
    fields: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class RiskFactorItem:
    id: str
    text: str
    modifiable: bool


@dataclass(frozen=True, slots=True)
class RecommendationItem:
    id: str
    category: Category
    text: str
    because: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConditionResult:
    id: str
    name: str
    score: float
    likelihood: Likelihood
    triage_level: TriageLevel
    supporting: tuple[EvidenceItem, ...]
    conflicting: tuple[EvidenceItem, ...]
    unknown: tuple[UnknownItem, ...]
    risk_factors: tuple[RiskFactorItem, ...]
    recommendations: tuple[RecommendationItem, ...]
    codes: tuple[Code, ...]
    plugin: PluginRef
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RedFlagHit:
    id: str
    level: TriageLevel
    message: str
    condition: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TriageOutcome:
    level: TriageLevel
    summary: str
    red_flags: tuple[RedFlagHit, ...]


@dataclass(frozen=True, slots=True)
class Question:
    field: str
    text: str
    could_change: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PluginSummary:
    name: str
    version: str
    conditions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RulesetInfo:
    version: str
    digest: str
    plugins: tuple[PluginSummary, ...]


@dataclass(frozen=True, slots=True)
class ResultWarning:
    """Something the runner's clinician should know about how the result was made."""

    code: str
    message: str
    plugin: str | None = None
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TriageResult:
    id: str
    api_version: str
    created_at: datetime
    triage: TriageOutcome
    conditions: tuple[ConditionResult, ...]
    questions: tuple[Question, ...]
    recommendations: tuple[RecommendationItem, ...]
    ruleset: RulesetInfo
    warnings: tuple[ResultWarning, ...]
    disclaimer: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, exactly as the HTTP API returns it."""
        dumped: dict[str, Any] = _result_schema().dump(self)
        return dumped

    def condition(self, condition_id: str) -> ConditionResult | None:
        for condition in self.conditions:
            if condition.id == condition_id:
                return condition
        return None
