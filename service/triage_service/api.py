"""The ``/v1`` API: triage one report or a batch, and describe what is loaded."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app
from marshmallow import ValidationError

import triage_core
from triage_core.errors import ReportValidationError
from triage_core.report import flatten_errors
from triage_service.descriptions import describe_condition, plugin_listing
from triage_service.json_body import read_json
from triage_service.problems import INVALID_REQUEST, ProblemError, invalid_report
from triage_service.schemas import (
    BatchRequestSchema,
    BatchResponseSchema,
    ConditionDescriptionSchema,
    ConditionListSchema,
    PluginListSchema,
    dump,
)

blueprint = Blueprint("api_v1", __name__, url_prefix="/v1")


def engine() -> triage_core.Engine:
    found: triage_core.Engine = current_app.extensions["triage"]
    return found


def json_response(document: Any, status: int = 200) -> Response:
    return Response(json.dumps(document, ensure_ascii=False), status=status, mimetype="application/json")


@blueprint.post("/triage")
def triage() -> Response:
    data = read_json(current_app.config["MAX_BODY_BYTES"])
    try:
        result = engine().triage(data)
    except ReportValidationError as error:
        raise invalid_report(error.errors) from None
    return json_response(result.to_dict())


@blueprint.post("/triage/batch")
def triage_batch() -> Response:
    data = read_json(current_app.config["MAX_BATCH_BODY_BYTES"])
    limit = current_app.config["BATCH_LIMIT"]
    try:
        reports = BatchRequestSchema().load(data)["reports"]
    except ValidationError as error:
        errors = flatten_errors(error.messages)
        raise ProblemError(
            422, "The batch request is invalid; see errors.", type_=INVALID_REQUEST, errors=errors
        ) from None
    if len(reports) > limit:
        raise ProblemError(
            422,
            f"A batch holds at most {limit} reports; this one has {len(reports)}.",
            type_=INVALID_REQUEST,
            errors={"reports": [f"At most {limit} reports per batch."]},
        )
    results = []
    for index, report in enumerate(data["reports"]):
        try:
            result = engine().triage(report)
        except ReportValidationError as error:
            problem = invalid_report(error.errors)
            results.append({"index": index, "status": problem.status, "problem": problem.document()})
            continue
        results.append({"index": index, "status": 200, "result": result.to_dict()})
    return json_response(dump(BatchResponseSchema, {"results": results}))


@blueprint.get("/conditions")
def conditions() -> Response:
    loaded = engine()
    document = {
        "conditions": [describe_condition(condition) for condition in loaded.ruleset.conditions],
        "ruleset_digest": loaded.ruleset.digest,
    }
    return json_response(dump(ConditionListSchema, document))


@blueprint.get("/conditions/<condition_id>")
def condition(condition_id: str) -> Response:
    found = engine().ruleset.condition(condition_id)
    if found is None:
        known = ", ".join(item.id for item in engine().ruleset.conditions)
        raise ProblemError(404, f"No condition {condition_id!r} is loaded. Loaded: {known}.")
    return json_response(dump(ConditionDescriptionSchema, describe_condition(found)))


@blueprint.get("/plugins")
def plugins() -> Response:
    loaded = engine()
    document = {"plugins": plugin_listing(loaded), "ruleset_digest": loaded.ruleset.digest}
    return json_response(dump(PluginListSchema, document))
