"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from triage_service.api import engine, json_response
from triage_service.schemas import HealthSchema, ReadinessSchema, dump

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    """Alive: the process answers. Says nothing about the rules."""
    return json_response(dump(HealthSchema, {"status": "ok"}))


@blueprint.get("/readyz")
def readyz() -> Response:
    """Ready to triage: the engine is loaded with at least one condition and, unless
    TRIAGE_ALLOW_PLUGIN_ERRORS is set, no plugin failed to load (a clinic's broken rule
    file means the service is not running the rules its operators expect)."""
    loaded = engine()
    errors = [{"plugin": record.name, "error": record.error} for record in loaded.load_errors]
    reasons = []
    if not loaded.ruleset.conditions:
        reasons.append("no condition is loaded")
    if errors and not current_app.config["ALLOW_PLUGIN_ERRORS"]:
        reasons.append(f"{len(errors)} plugin(s) failed to load")
    status = "not_ready" if reasons else ("degraded" if errors else "ready")
    document = {
        "status": status,
        "conditions": len(loaded.ruleset.conditions),
        "ruleset_digest": loaded.ruleset.digest,
        "plugin_errors": errors,
        "reasons": reasons,
    }
    return json_response(dump(ReadinessSchema, document), status=503 if reasons else 200)
