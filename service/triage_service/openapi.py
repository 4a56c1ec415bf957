"""The OpenAPI 3 document, generated from the marshmallow schemas with apispec.

It is built per app from *that* app's engine, so the report schema includes the
``extensions`` fields its plugins declared, and the examples are real: the example
reports are triaged by the engine when the document is built.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, current_app
from flask_swagger_ui import get_swaggerui_blueprint
from marshmallow import fields

import triage_core
from triage_core.result_schema import TriageResultSchema
from triage_service.cds.schemas import (
    CardsResponseSchema,
    CdsRequestSchema,
    DiscoverySchema,
    FeedbackReceiptSchema,
    FeedbackRequestSchema,
    FeedbackSummarySchema,
)
from triage_service.problems import PROBLEM_JSON
from triage_service.schemas import (
    BatchRequestSchema,
    BatchResponseSchema,
    ConditionDescriptionSchema,
    ConditionListSchema,
    HealthSchema,
    PluginListSchema,
    ProblemSchema,
    ReadinessSchema,
)

OPENAPI_PATH = "/openapi.json"
DOCS_PATH = "/docs"

EXAMPLE_REPORTS: dict[str, tuple[str, dict[str, Any]]] = {
    "shin_splints": (
        "New runner with diffuse inner-shin pain in both legs",
        {
            "runner": {"age_years": 28, "sex": "female", "years_running": 1, "foot_arch": "flat"},
            "pain": {
                "locations": ["inner_shin"],
                "side": "both",
                "severity": 4,
                "character": ["dull_ache"],
                "onset": "gradual",
                "started_days_ago": 18,
                "when": ["start_of_run", "after_run"],
                "eases_with_warm_up": True,
                "tender_area": "diffuse",
                "tenderness_length_cm": 7,
                "pain_on_hopping": False,
            },
            "training": {"weekly_distance_change_pct": 35, "surfaces": ["road"]},
            "footwear": {"shoe_distance_km": 900},
        },
    ),
    "achilles_rupture": (
        "Sudden pop at the back of the heel, cannot stand on tiptoe",
        {
            "pain": {
                "locations": ["achilles"],
                "side": "left",
                "severity": 6,
                "onset": "sudden",
                "started_days_ago": 0,
            },
            "signs": {"pop_or_snap": True, "cannot_tiptoe": True},
        },
    ),
}

blueprint = Blueprint("openapi", __name__)


@blueprint.get(OPENAPI_PATH)
def openapi_document() -> Response:
    document: str = current_app.extensions["triage.openapi"]
    return Response(document, mimetype="application/json")


def docs_blueprint() -> Blueprint:
    """Swagger UI, served from the installed package: no CDN (clinic networks are often offline)."""
    docs: Blueprint = get_swaggerui_blueprint(
        DOCS_PATH, OPENAPI_PATH, config={"app_name": "triage API"}, blueprint_name="docs"
    )
    return docs


def _x_question(_converter: Any, field: fields.Field[Any], **_kwargs: Any) -> dict[str, Any]:
    """Carry each report field's follow-up question into the document as ``x-question``."""
    question = field.metadata.get("question")
    return {"x-question": question} if question else {}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": "Problem"}}}


def build_spec(engine: triage_core.Engine) -> dict[str, Any]:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="triage",
        version=triage_core.__version__,
        openapi_version="3.0.3",
        plugins=[marshmallow],
        info={
            "description": (
                "Triage of lower-leg pain in runners: post a symptom report, get ranked conditions with the "
                "evidence for and against each, risk factors, recommendations, follow-up questions and a triage "
                "level. Decision support, not a diagnosis. Every field of a report is optional and tri-state: "
                "`null` or missing means unknown. Unknown fields are refused (422) except inside `extensions`, "
                "whose namespaces belong to plugins.\n\n"
                f"Ruleset digest of this server: `{engine.ruleset.digest}`."
            ),
            "license": {"name": "MIT"},
        },
    )
    marshmallow.converter.add_attribute_function(_x_question)  # type: ignore[union-attr]
    for name, schema in (
        ("SymptomReport", engine.report_schema),
        ("TriageResult", TriageResultSchema),
        ("Problem", ProblemSchema),
        ("BatchRequest", BatchRequestSchema),
        ("BatchResponse", BatchResponseSchema),
        ("ConditionDescription", ConditionDescriptionSchema),
        ("ConditionList", ConditionListSchema),
        ("PluginList", PluginListSchema),
        ("Health", HealthSchema),
        ("Readiness", ReadinessSchema),
        ("CdsRequest", CdsRequestSchema),
        ("CdsDiscovery", DiscoverySchema),
        ("CdsCards", CardsResponseSchema),
        ("CdsFeedback", FeedbackRequestSchema),
        ("CdsFeedbackReceipt", FeedbackReceiptSchema),
        ("FeedbackSummary", FeedbackSummarySchema),
    ):
        spec.components.schema(name, schema=schema)
    for name, description in (
        ("BadRequest", "The body is not valid JSON (or has duplicate keys, NaN or Infinity)."),
        ("PayloadTooLarge", "The body is larger than the configured limit."),
        ("UnsupportedMediaType", "The body is not declared as JSON."),
        ("InvalidReport", "The report is invalid; `errors` maps each full field path to its messages."),
        ("NotFound", "Nothing at this URL."),
        ("MethodNotAllowed", "Method not allowed; see the Allow header."),
        ("ServerError", "Unexpected error; never shows a stack trace."),
    ):
        spec.components.response(name, _problem(description))

    examples = {key: {"summary": summary, "value": report} for key, (summary, report) in EXAMPLE_REPORTS.items()}
    result_examples = {
        key: {"summary": summary, "value": engine.triage(report).to_dict()}
        for key, (summary, report) in EXAMPLE_REPORTS.items()
        if engine.ruleset.conditions
    }
    errors = {"405": "MethodNotAllowed", "500": "ServerError"}
    body_errors = {"400": "BadRequest", "413": "PayloadTooLarge", "415": "UnsupportedMediaType", **errors}

    spec.path(
        path="/v1/triage",
        operations={
            "post": {
                "operationId": "triage",
                "summary": "Triage one symptom report",
                "tags": ["triage"],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "SymptomReport", "examples": examples}},
                },
                "responses": {
                    "200": {
                        "description": "The triage result.",
                        "content": {"application/json": {"schema": "TriageResult", "examples": result_examples}},
                    },
                    "422": "InvalidReport",
                    **body_errors,
                },
            }
        },
    )
    spec.path(
        path="/v1/triage/batch",
        operations={
            "post": {
                "operationId": "triageBatch",
                "summary": "Triage several reports in one request",
                "description": (
                    "Results come in the order of the reports. An invalid report gets its own entry with its "
                    "problem (status 422) without failing the others. The number of reports is limited "
                    "(TRIAGE_BATCH_LIMIT, 100 by default)."
                ),
                "tags": ["triage"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": "BatchRequest",
                            "example": {"reports": [report for _, report in EXAMPLE_REPORTS.values()]},
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "One entry per report.",
                        "content": {"application/json": {"schema": "BatchResponse"}},
                    },
                    "422": "InvalidReport",
                    **body_errors,
                },
            }
        },
    )
    condition_id = {"name": "condition_id", "in": "path", "required": True, "schema": {"type": "string"},
                    "example": "shin_splints"}  # fmt: skip
    reads: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
        ("/v1/conditions", "listConditions", "What each loaded condition looks for: rules, risk factors, red "
         "flags, escalations and recommendations in human text, with codes, references, plugin and version",
         "rules", "ConditionList", {}),
        ("/v1/conditions/{condition_id}", "getCondition", "One loaded condition", "rules", "ConditionDescription",
         {"parameters": [condition_id], "responses": {"404": "NotFound"}}),
        ("/v1/plugins", "listPlugins", "Plugins, versions, conditions, hooks and load errors", "rules",
         "PluginList", {}),
        ("/healthz", "health", "Liveness", "operations", "Health", {}),
        ("/readyz", "readiness", "Readiness: engine loaded, at least one condition, no plugin load errors",
         "operations", "Readiness",
         {"responses": {"503": {"description": "Not ready; `reasons` says why.", "content": _json("Readiness")}}}),
    ]  # fmt: skip
    for path, operation_id, summary, tag, schema_name, extra in reads:
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "responses": {
                "200": {"description": "OK.", "content": _json(schema_name)},
                **errors,
                **extra.get("responses", {}),
            },
        }
        if "parameters" in extra:
            operation["parameters"] = extra["parameters"]
        spec.path(path=path, operations={"get": operation})
    _cds_paths(spec, body_errors)
    document: dict[str, Any] = spec.to_dict()
    _only_null(document)
    return document


def _cds_paths(spec: APISpec, body_errors: dict[str, Any]) -> None:
    """CDS Hooks 2.0 (discovery, service, feedback), the FHIR Questionnaire, feedback counts."""
    spec.components.security_scheme(
        "cdsJwt",
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "CDS Hooks client JWT: asymmetrically signed by an allow-listed issuer, aud = the endpoint URL."
            ),
        },
    )
    unauthorized = {"401": _problem("No valid CDS Client JWT.")}
    secured: list[dict[str, list[str]]] = [{"cdsJwt": []}]
    plain_errors = {"405": "MethodNotAllowed", "500": "ServerError"}
    spec.path(
        path="/cds-services",
        operations={
            "get": {
                "operationId": "cdsDiscovery",
                "summary": "CDS Hooks discovery: the runner-leg-pain service on patient-view",
                "tags": ["cds-hooks"],
                "security": secured,
                "responses": {
                    "200": {"description": "Services.", "content": _json("CdsDiscovery")},
                    **unauthorized,
                    **plain_errors,
                },
            }
        },
    )
    for path, operation_id, summary, request_schema, answer, extra in (
        (
            "/cds-services/runner-leg-pain",
            "cdsRunnerLegPain",
            "CDS Hooks service call: cards from the patient's latest runner leg-pain questionnaire",
            "CdsRequest",
            {"description": "Cards.", "content": _json("CdsCards")},
            {
                "412": _problem("The QuestionnaireResponse could not be had (prefetch or FHIR server)."),
                "422": _problem("Invalid request, or a QuestionnaireResponse that is not a valid report."),
            },
        ),
        (
            "/cds-services/runner-leg-pain/feedback",
            "cdsFeedback",
            "CDS Hooks feedback: accepted or overridden cards",
            "CdsFeedback",
            {"description": "Recorded.", "content": _json("CdsFeedbackReceipt")},
            {"422": _problem("Invalid feedback.")},
        ),
    ):
        spec.path(
            path=path,
            operations={
                "post": {
                    "operationId": operation_id,
                    "summary": summary,
                    "tags": ["cds-hooks"],
                    "security": secured,
                    "requestBody": {"required": True, "content": _json(request_schema)},
                    "responses": {"200": answer, **extra, **unauthorized, **body_errors},
                }
            },
        )
    spec.path(
        path="/fhir/Questionnaire/runner-leg-pain",
        operations={
            "get": {
                "operationId": "questionnaire",
                "summary": "The symptom report as a FHIR R4 Questionnaire (linkIds are report field paths)",
                "tags": ["fhir"],
                "responses": {
                    "200": {
                        "description": "A Questionnaire resource.",
                        "content": {"application/fhir+json": {"schema": {"type": "object"}}},
                    },
                    **plain_errors,
                },
            }
        },
    )
    spec.path(
        path="/v1/feedback/summary",
        operations={
            "get": {
                "operationId": "feedbackSummary",
                "summary": "Counts of CDS card feedback per outcome",
                "tags": ["cds-hooks"],
                "responses": {
                    "200": {"description": "Counts.", "content": _json("FeedbackSummary")},
                    **plain_errors,
                },
            }
        },
    )


def _only_null(node: Any) -> None:
    """apispec writes a nullable nested section as ``anyOf: [$ref, {type: object, nullable}]``,
    whose second branch admits *any* object; narrow it to exactly ``null``."""
    if isinstance(node, dict):
        for branch in node.get("anyOf", ()):
            if branch == {"type": "object", "nullable": True}:
                branch["enum"] = [None]
        for value in node.values():
            _only_null(value)
    elif isinstance(node, list):
        for value in node:
            _only_null(value)


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}
