"""Service settings: defaults, then ``TRIAGE_*`` environment variables, then the
mapping given to ``create_app`` (tests and embedders), each overriding the last."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Flask

from triage_core.engine import DEFAULT_MAX_QUESTIONS

ENV_PREFIX = "TRIAGE"

DEFAULTS: Mapping[str, Any] = {
    # Largest request body for /v1/triage, in bytes (413 beyond it).
    "MAX_BODY_BYTES": 64 * 1024,
    # Largest request body for /v1/triage/batch, in bytes.
    "MAX_BATCH_BODY_BYTES": 1024 * 1024,
    # Most reports in one batch request.
    "BATCH_LIMIT": 100,
    # Fail at start-up if any plugin fails to load.
    "STRICT_PLUGINS": False,
    # Report ready (200 on /readyz) even when a plugin failed to load.
    "ALLOW_PLUGIN_ERRORS": False,
    # Follow-up questions per result (null: all).
    "MAX_QUESTIONS": DEFAULT_MAX_QUESTIONS,
    # Log level of the service's own loggers.
    "LOG_LEVEL": "INFO",
    # CDS Hooks: "jwt" (verify CDS Client tokens) or "off" (local development only).
    "CDS_AUTH": "jwt",
    # CDS Hooks: trusted issuers, {"<iss>": {"jwks_url": "..."} or {"jwks": {"keys": [...]}}}.
    "CDS_ISSUERS": {},
    # Allowed clock skew when checking JWT exp/iat, seconds.
    "JWT_LEEWAY_SECONDS": 30,
    # Largest CDS Hooks request body (prefetch can carry Bundles), bytes.
    "CDS_MAX_BODY_BYTES": 1024 * 1024,
    # Timeout for fetching missing prefetch data from the EHR's FHIR server, seconds.
    "FHIR_TIMEOUT_SECONDS": 5,
    # The service's public base URL (https://triage.example.org), when behind a proxy:
    # JWT audiences, the Questionnaire's canonical URL and card links are built from it.
    "PUBLIC_URL": None,
    # Origins allowed to call /cds-services and /fhir from a browser (CORS).
    "CORS_ORIGINS": [],
}

#: Documented in the README; anything else under TRIAGE_ is read by other parts
#: (TRIAGE_LOAD_PLUGINS, TRIAGE_DISABLE_PLUGINS by the plugin loader).
DOCUMENTED = tuple(DEFAULTS)


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env(ENV_PREFIX, loads=_loads)
    if overrides:
        app.config.update(overrides)
    for key in ("MAX_BODY_BYTES", "MAX_BATCH_BODY_BYTES", "BATCH_LIMIT", "CDS_MAX_BODY_BYTES"):
        value = app.config[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{ENV_PREFIX}_{key} must be a positive integer, got {value!r}")
    # Flask's own limit covers every route; the triage routes tighten it per request.
    app.config["MAX_CONTENT_LENGTH"] = max(
        app.config[key] for key in ("MAX_BODY_BYTES", "MAX_BATCH_BODY_BYTES", "CDS_MAX_BODY_BYTES")
    )
    origins = app.config["CORS_ORIGINS"]
    if isinstance(origins, str):  # TRIAGE_CORS_ORIGINS=https://a.example,https://b.example
        app.config["CORS_ORIGINS"] = [origin.strip() for origin in origins.split(",") if origin.strip()]


def _loads(raw: str) -> Any:
    """Environment values are JSON when they parse as JSON (numbers, true/false, null)."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw
