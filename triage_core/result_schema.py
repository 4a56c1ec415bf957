"""marshmallow schemas of the triage result: the documented wire format.

They only ever dump engine objects, so they describe rather than validate; enum
validators are kept so the OpenAPI document lists the allowed values.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, validate
from marshmallow import fields as ma

from triage_core.levels import Category, Likelihood, TriageLevel

_LEVELS = validate.OneOf([level.value for level in TriageLevel])
_CATEGORIES = validate.OneOf([category.value for category in Category])


class Weight(ma.Float):
    """A rule weight: written as an integer when it is one (``3``, not ``3.0``)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> float | int | None:
        if value is None:
            return None
        return int(value) if float(value).is_integer() else float(value)


def _text(description: str) -> ma.String:
    return ma.String(required=True, metadata={"description": description})


class EvidenceItemSchema(Schema):
    field = _text("The report field the finding is about (first of `fields`).")
    fields_ = ma.List(
        ma.String(),
        attribute="fields",
        data_key="fields",
        metadata={"description": "Every report field the rule reads."},
    )
    id = _text("The rule's id within its condition.")
    text = _text("Why the finding matters, in plain language.")
    weight = Weight(required=True, metadata={"description": "Positive supports, negative conflicts."})


class UnknownItemSchema(Schema):
    field = _text("The first unanswered field the rule needs.")
    fields_ = ma.List(
        ma.String(),
        attribute="fields",
        data_key="fields",
        metadata={"description": "Every unanswered field the rule needs."},
    )
    id = _text("The rule's id within its condition.")
    text = _text("What the rule would show if answered.")


class RiskFactorItemSchema(Schema):
    id = _text("Risk factor id.")
    text = _text("The risk factor, in plain language.")
    modifiable = ma.Boolean(required=True, metadata={"description": "Whether the runner can change it."})


class RecommendationItemSchema(Schema):
    id = _text("Recommendation id, shared across conditions giving the same advice.")
    category = ma.String(required=True, validate=_CATEGORIES)
    text = _text("The advice.")
    because = ma.List(ma.String(), required=True, metadata={"description": "Ids of the findings this advice answers."})


class CodeSchema(Schema):
    system = _text("Terminology URI (SNOMED CT: http://snomed.info/sct).")
    code = _text("Code in that terminology.")
    display = _text("The code's display text.")


class PluginRefSchema(Schema):
    name = _text("Plugin name.")
    version = _text("Plugin version.")


class ConditionResultSchema(Schema):
    id = _text("Condition id.")
    name = _text("Condition name.")
    score = ma.Float(required=True, validate=validate.Range(0, 1))
    likelihood = ma.String(required=True, validate=validate.OneOf([band.value for band in Likelihood]))
    triage_level = ma.String(required=True, validate=_LEVELS)
    supporting = ma.List(ma.Nested(EvidenceItemSchema), required=True)
    conflicting = ma.List(ma.Nested(EvidenceItemSchema), required=True)
    # "unknown" is also a Schema option attribute, hence the attribute/data_key pair.
    unknown_ = ma.List(ma.Nested(UnknownItemSchema), required=True, attribute="unknown", data_key="unknown")
    risk_factors = ma.List(ma.Nested(RiskFactorItemSchema), required=True)
    recommendations = ma.List(ma.Nested(RecommendationItemSchema), required=True)
    codes = ma.List(ma.Nested(CodeSchema), required=True)
    plugin = ma.Nested(PluginRefSchema, required=True)
    references = ma.List(ma.String(), required=True)


class RedFlagHitSchema(Schema):
    id = _text("Red-flag rule id.")
    level = ma.String(required=True, validate=_LEVELS)
    message = _text("What to do, and why.")
    condition = ma.String(allow_none=True, metadata={"description": "The condition it belongs to, if any."})
    evidence = ma.List(ma.String(), required=True, metadata={"description": "The fields that fired it."})


class TriageOutcomeSchema(Schema):
    level = ma.String(required=True, validate=_LEVELS)
    summary = _text("One sentence for the runner: what to do and how soon.")
    red_flags = ma.List(ma.Nested(RedFlagHitSchema), required=True)


class QuestionSchema(Schema):
    field = _text("The unanswered report field.")
    text = _text("The question to ask.")
    could_change = ma.List(
        ma.String(),
        required=True,
        metadata={"description": "`triage.level` and/or the condition ids whose score the answer could change."},
    )


class PluginSummarySchema(Schema):
    name = _text("Plugin name.")
    version = _text("Plugin version.")
    conditions = ma.List(ma.String(), required=True)


class RulesetInfoSchema(Schema):
    version = _text("Engine version that evaluated the rules.")
    digest = _text("sha256 over plugin names, versions and every rule definition.")
    plugins = ma.List(ma.Nested(PluginSummarySchema), required=True)


class ResultWarningSchema(Schema):
    code = _text("Machine-readable warning code, e.g. `plugin_failed`.")
    message = _text("What happened.")
    plugin = ma.String(allow_none=True)
    conditions = ma.List(ma.String())


class TriageResultSchema(Schema):
    id = ma.String(required=True, metadata={"description": "Result id (UUID)."})
    api_version = ma.String(required=True)
    created_at = ma.DateTime(required=True, metadata={"description": "When the result was made (UTC)."})
    triage = ma.Nested(TriageOutcomeSchema, required=True)
    conditions = ma.List(ma.Nested(ConditionResultSchema), required=True)
    questions = ma.List(ma.Nested(QuestionSchema), required=True)
    recommendations = ma.List(ma.Nested(RecommendationItemSchema), required=True)
    ruleset = ma.Nested(RulesetInfoSchema, required=True)
    warnings = ma.List(ma.Nested(ResultWarningSchema), required=True)
    disclaimer = _text("Decision support, not a diagnosis.")
