"""The Flask application factory."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_cors import CORS

import triage_core
from triage_service import api, config, health, openapi, problems, request_log
from triage_service.cds import routes


def create_app(config_overrides: Mapping[str, Any] | None = None, engine: triage_core.Engine | None = None) -> Flask:
    """Build the triage service.

    :param config_overrides: settings that override the defaults and ``TRIAGE_*``
        environment variables (see :mod:`triage_service.config`).
    :param engine: an engine to serve; by default one is loaded from the installed
        plugins (strictly if ``STRICT_PLUGINS`` is set).
    """
    app = Flask(__name__)
    config.configure(app, config_overrides)
    logging.getLogger("triage_service").setLevel(str(app.config["LOG_LEVEL"]).upper())
    if engine is None:
        engine = triage_core.load_engine(
            strict=bool(app.config["STRICT_PLUGINS"]), max_questions=app.config["MAX_QUESTIONS"]
        )
    app.extensions["triage"] = engine
    app.extensions["triage.openapi"] = json.dumps(openapi.build_spec(engine))
    app.json.sort_keys = False  # type: ignore[attr-defined]

    request_log.install(app)
    problems.register_error_handlers(app)
    routes.install(app)
    if app.config["CORS_ORIGINS"]:
        # Browser-based EHRs: preflights answered without a token, headers on every answer.
        CORS(
            app,
            resources={r"/cds-services*": {}, r"/fhir/*": {}},
            origins=app.config["CORS_ORIGINS"],
            allow_headers=["Authorization", "Content-Type"],
            methods=["GET", "POST", "OPTIONS"],
            expose_headers=["X-Request-ID"],
            max_age=600,
        )
    app.register_blueprint(api.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(openapi.docs_blueprint())
    return app
