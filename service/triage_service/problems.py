"""Errors as ``application/problem+json`` (RFC 9457), for every error the service returns.

Every response of the service that is not a result is a problem document with
``type``, ``title``, ``status`` and ``detail``; validation failures add ``errors``,
mapping each full field path to its messages. A 500 never shows a stack trace.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, InternalServerError

PROBLEM_JSON = "application/problem+json"
INVALID_REPORT = "urn:triage:problem:invalid-report"
INVALID_REQUEST = "urn:triage:problem:invalid-request"

log = logging.getLogger(__name__)


class ProblemError(Exception):
    """Raise from a view to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str = "about:blank",
        title: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type_
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors
        self.headers = dict(headers or {})

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            document["errors"] = {path: list(messages) for path, messages in self.errors.items()}
        request_id = g.get("request_id")
        if request_id:
            document["request_id"] = request_id
        return document


def invalid_report(errors: Mapping[str, Sequence[str]]) -> ProblemError:
    count = sum(len(messages) for messages in errors.values())
    return ProblemError(
        422,
        f"The symptom report is invalid ({count} problem{'s' if count != 1 else ''}); see errors.",
        type_=INVALID_REPORT,
        title="Invalid symptom report",
        errors=errors,
    )


def problem_response(problem: ProblemError) -> Response:
    response = Response(json.dumps(problem.document()), status=problem.status, mimetype=PROBLEM_JSON)
    response.headers.update(problem.headers)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ProblemError)
    def _problem(error: ProblemError) -> Response:
        return problem_response(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        # Keep headers werkzeug computed, such as Allow on a 405.
        headers = {key: value for key, value in error.get_headers() if key.lower() != "content-type"}
        detail = _DETAILS.get(status) or error.description or HTTPStatus(status).phrase
        if status == 413 and request and request.max_content_length:
            detail = f"The request body is larger than the {request.max_content_length}-byte limit."
        return problem_response(ProblemError(status, detail, headers=headers))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # The type and the frames only: an exception message may quote the runner's data.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled %s\n%s", type(error).__name__, frames)
        return problem_response(ProblemError(500, _DETAILS[500]))


_DETAILS = {
    404: "There is nothing at this URL. The API is described at /openapi.json.",
    405: "This method is not allowed here; see the Allow header.",
    413: "The request body is too large.",
    InternalServerError.code: "An unexpected error occurred; it has been logged with this request's id.",
}
