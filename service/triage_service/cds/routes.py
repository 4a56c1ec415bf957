"""CDS Hooks 2.0 endpoints, the FHIR Questionnaire and the feedback summary."""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, request
from marshmallow import ValidationError

import triage_core
from triage_core.errors import ReportValidationError
from triage_core.report import flatten_errors
from triage_service.api import engine, json_response
from triage_service.cds import cards, prefetch
from triage_service.cds.auth import AuthenticationError, JwtVerifier, issuers_from_config
from triage_service.cds.feedback import FeedbackStore
from triage_service.cds.schemas import CdsRequestSchema, FeedbackRequestSchema
from triage_service.fhir.questionnaire import (
    QUESTIONNAIRE_ID,
    QuestionnaireResponseError,
    build_questionnaire,
    report_from_response,
)
from triage_service.json_body import read_json
from triage_service.problems import INVALID_REPORT, INVALID_REQUEST, ProblemError, invalid_report

SERVICE_ID = "runner-leg-pain"
HOOK = "patient-view"
FHIR_JSON = "application/fhir+json"
QUESTIONNAIRES_KEPT = 8

log = logging.getLogger(__name__)
blueprint = Blueprint("cds", __name__)
View = TypeVar("View", bound=Callable[..., Response])


@dataclass
class CdsSettings:
    """Per-app CDS state: the verifier (``None`` when authentication is off), feedback."""

    verifier: JwtVerifier | None
    public_url: str | None
    fhir_timeout: float
    max_body_bytes: int
    feedback: FeedbackStore = field(default_factory=FeedbackStore)
    questionnaires: dict[str, str] = field(default_factory=dict)


def install(app: Flask) -> None:
    config = app.config
    mode = str(config["CDS_AUTH"]).lower()
    if mode not in ("jwt", "off"):
        raise ValueError(f"TRIAGE_CDS_AUTH must be 'jwt' or 'off', got {config['CDS_AUTH']!r}")
    verifier = None
    if mode == "jwt":
        verifier = JwtVerifier(issuers_from_config(config["CDS_ISSUERS"]), leeway_seconds=config["JWT_LEEWAY_SECONDS"])
    else:
        log.warning("CDS Hooks authentication is OFF (TRIAGE_CDS_AUTH=off): for local development only")
    public_url = str(config["PUBLIC_URL"]).rstrip("/") if config["PUBLIC_URL"] else None
    app.extensions["triage.cds"] = CdsSettings(
        verifier, public_url, float(config["FHIR_TIMEOUT_SECONDS"]), int(config["CDS_MAX_BODY_BYTES"])
    )
    app.register_blueprint(blueprint)


def _settings() -> CdsSettings:
    found: CdsSettings = current_app.extensions["triage.cds"]
    return found


def _base() -> str:
    """The service's public base URL: configured (behind a proxy) or as requested."""
    return _settings().public_url or request.url_root.rstrip("/")


def questionnaire_url() -> str:
    return f"{_base()}/fhir/Questionnaire/{QUESTIONNAIRE_ID}"


def authenticated(view: View) -> View:
    """Require a valid CDS Client JWT whose ``aud`` is this very endpoint's URL."""

    @functools.wraps(view)
    def check(*args: Any, **kwargs: Any) -> Response:
        verifier = _settings().verifier
        if verifier is not None:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            try:
                if scheme.lower() != "bearer" or not token.strip():
                    raise AuthenticationError("no bearer token")
                verifier.verify(token.strip(), audience=f"{_base()}{request.path}")
            except AuthenticationError as error:
                log.info("CDS authentication refused: %s", error)
                raise ProblemError(
                    401, "Authentication is required.", headers={"WWW-Authenticate": 'Bearer realm="cds-services"'}
                ) from None
        return view(*args, **kwargs)

    return check  # type: ignore[return-value]


@blueprint.get("/cds-services")
@authenticated
def discovery() -> Response:
    service = {
        "hook": HOOK,
        "title": "Runner lower-leg pain triage",
        "description": (
            "Triages a runner's lower-leg pain from their latest runner-leg-pain questionnaire: likely conditions, "
            "red flags (stress fracture, Achilles rupture, compartment syndrome, DVT), advice and how soon to be seen."
        ),
        "id": SERVICE_ID,
        "prefetch": {template.key: template.template for template in prefetch.templates(questionnaire_url())},
        "usageRequirements": (
            f"Needs a completed QuestionnaireResponse for {questionnaire_url()} (prefetch or FHIR server access)."
        ),
    }
    return json_response({"services": [service]})


@blueprint.post(f"/cds-services/{SERVICE_ID}")
@authenticated
def service() -> Response:
    settings = _settings()
    body = read_json(settings.max_body_bytes)
    try:
        call = CdsRequestSchema().load(body)
    except ValidationError as error:
        raise ProblemError(
            422, "The CDS Hooks request is invalid; see errors.", type_=INVALID_REQUEST,
            errors=flatten_errors(error.messages),
        ) from None  # fmt: skip
    context, given = call["context"], call.get("prefetch", {})
    patient = context["patientId"]
    fetch = functools.partial(
        prefetch.resolve,
        prefetch=given,
        context=context,
        fhir_server=call.get("fhirServer"),
        authorization=call.get("fhirAuthorization"),
        timeout=settings.fhir_timeout,
    )
    report_template, severity_template = prefetch.templates(questionnaire_url())
    reports = fetch(report_template)
    if reports.availability is prefetch.Availability.UNAVAILABLE:
        raise ProblemError(412, f"The runner leg-pain QuestionnaireResponse could not be had: {reports.reason}.")
    responses = [item for item in reports.resources if _about(item, patient, "subject")]
    if reports.resources and not responses:
        raise ProblemError(412, "The QuestionnaireResponse provided is about another patient.")
    if not responses:
        return json_response({"cards": [cards.no_report_card(questionnaire_url=questionnaire_url())]})
    response = prefetch.latest(responses, "authored")
    try:
        report = report_from_response(response, engine().catalog)
    except QuestionnaireResponseError as error:
        raise ProblemError(
            422, "The QuestionnaireResponse cannot be read as a symptom report; see errors.",
            type_=INVALID_REPORT, title="Invalid symptom report", errors=error.errors,
        ) from None  # fmt: skip
    severity = fetch(severity_template)
    observations = [item for item in severity.resources if _about(item, patient, "subject")]
    score = prefetch.pain_severity(observations)
    if score is not None and report.get("pain", {}).get("severity") is None:
        report.setdefault("pain", {})["severity"] = score
    try:
        result = engine().triage(report)
    except ReportValidationError as error:
        raise invalid_report(error.errors) from None
    card = cards.triage_card(
        result,
        patient_id=patient,
        condition_url=lambda condition_id: f"{_base()}/v1/conditions/{condition_id}",
        service_url=f"{_base()}/docs",
    )
    log.info("CDS %s hookInstance=%s: %s card", HOOK, call["hookInstance"], card["indicator"])
    return json_response({"cards": [card]})


def _about(resource: Mapping[str, Any], patient: str, reference_field: str) -> bool:
    """False only when the resource names a different patient (never use another's data)."""
    reference = (resource.get(reference_field) or {}).get("reference")
    return (
        reference is None or reference in (f"Patient/{patient}", patient) or reference.endswith(f"/Patient/{patient}")
    )


@blueprint.post(f"/cds-services/{SERVICE_ID}/feedback")
@authenticated
def feedback() -> Response:
    body = read_json(_settings().max_body_bytes)
    try:
        items = FeedbackRequestSchema().load(body)["feedback"]
    except ValidationError as error:
        raise ProblemError(
            422, "The feedback is invalid; see errors.", type_=INVALID_REQUEST, errors=flatten_errors(error.messages)
        ) from None
    recorded, repeated = _settings().feedback.record(items)
    return json_response({"recorded": recorded, "repeated": repeated})


@blueprint.get("/v1/feedback/summary")
def feedback_summary() -> Response:
    summary = _settings().feedback.summary()
    summary["scope"] = f"since this server process (pid {os.getpid()}) started; not yet stored durably"
    return json_response(summary)


@blueprint.get(f"/fhir/Questionnaire/{QUESTIONNAIRE_ID}")
def questionnaire() -> Response:
    settings, url = _settings(), questionnaire_url()
    document = settings.questionnaires.get(url)
    if document is None:
        if len(settings.questionnaires) >= QUESTIONNAIRES_KEPT:
            # Without TRIAGE_PUBLIC_URL the URL follows the Host header: keep the cache bounded.
            settings.questionnaires.clear()
        document = json.dumps(build_questionnaire(engine().catalog, canonical_url=url, version=triage_core.__version__))
        settings.questionnaires[url] = document
    return Response(document, mimetype=FHIR_JSON)
