"""marshmallow schemas of the service's own documents (the report and the result live
in ``triage_core``). They are what ``/openapi.json`` documents, so every response
is dumped through one of them."""

from __future__ import annotations

import functools
from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from triage_core.levels import Category, TriageLevel
from triage_core.result_schema import CodeSchema, PluginRefSchema, Weight

_LEVELS = validate.OneOf([level.value for level in TriageLevel])


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"description": "Problem type URI (`about:blank` for plain HTTP)."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Validation failures: full field path (`pain.severity`) to messages."},
    )
    request_id = fields.String(metadata={"description": "The request's X-Request-ID."})


class BatchRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    reports = fields.List(
        fields.Raw(allow_none=True),
        required=True,
        metadata={
            "description": "Symptom reports (SymptomReport objects). Each is validated on its own, so an invalid "
            "one gets its own error entry in the response instead of failing the batch."
        },
    )


class BatchItemSchema(Schema):
    index = fields.Integer(required=True, metadata={"description": "Position of the report in the request."})
    status = fields.Integer(required=True, metadata={"description": "200, or the status of this report's error."})
    result = fields.Dict(metadata={"description": "The triage result (as from POST /v1/triage) when status is 200."})
    problem = fields.Nested(ProblemSchema, metadata={"description": "The error when status is not 200."})


class BatchResponseSchema(Schema):
    results = fields.List(fields.Nested(BatchItemSchema), required=True)


class RuleDescriptionSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "What the finding means, in plain language."})
    rule = fields.String(required=True, metadata={"description": "The rule, as a short human-readable formula."})
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", required=True)
    when = fields.Dict(required=True, metadata={"description": "The rule in its plain-data form (rule-file syntax)."})
    weight = Weight(metadata={"description": "Evidence only: positive supports, negative conflicts."})
    modifiable = fields.Boolean(metadata={"description": "Risk factors only."})
    level = fields.String(validate=_LEVELS, metadata={"description": "Red flags and escalations only."})


class RecommendationDescriptionSchema(Schema):
    id = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf([c.value for c in Category]))
    text = fields.String(required=True)
    because = fields.List(fields.String(), required=True)


class ConditionDescriptionSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    triage_level = fields.String(required=True, validate=_LEVELS)
    requires = fields.Nested(RuleDescriptionSchema, allow_none=True, required=True)
    evidence = fields.List(fields.Nested(RuleDescriptionSchema), required=True)
    risk_factors = fields.List(fields.Nested(RuleDescriptionSchema), required=True)
    red_flags = fields.List(fields.Nested(RuleDescriptionSchema), required=True)
    escalations = fields.List(fields.Nested(RuleDescriptionSchema), required=True)
    recommendations = fields.List(fields.Nested(RecommendationDescriptionSchema), required=True)
    codes = fields.List(fields.Nested(CodeSchema), required=True)
    references = fields.List(fields.String(), required=True)
    plugin = fields.Nested(PluginRefSchema, required=True)


class ConditionListSchema(Schema):
    conditions = fields.List(fields.Nested(ConditionDescriptionSchema), required=True)
    ruleset_digest = fields.String(required=True)


class PluginInfoSchema(Schema):
    name = fields.String(required=True, metadata={"description": "Plugin (entry-point) name."})
    distribution = fields.String(allow_none=True, required=True)
    version = fields.String(allow_none=True, required=True)
    source = fields.String(required=True, metadata={"description": "`entry point`, `argument` or `rule file`."})
    module = fields.String(required=True)
    hooks = fields.List(fields.String(), required=True)
    conditions = fields.List(fields.String(), required=True)
    red_flags = fields.List(fields.String(), required=True)
    error = fields.String(allow_none=True, required=True, metadata={"description": "Why it failed to load, if it did."})


class PluginListSchema(Schema):
    plugins = fields.List(fields.Nested(PluginInfoSchema), required=True)
    ruleset_digest = fields.String(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ready", "degraded", "not_ready"]))
    conditions = fields.Integer(required=True)
    ruleset_digest = fields.String(required=True)
    plugin_errors = fields.List(fields.Dict(), required=True)
    reasons = fields.List(fields.String(), required=True)


def dump(schema: type[Schema], data: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = _instance(schema).dump(data)
    return dumped


@functools.cache
def _instance(schema: type[Schema]) -> Schema:
    """Schemas hold no per-dump state; building one costs more than a dump."""
    return schema()
