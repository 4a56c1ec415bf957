"""Request ids, the access log and log formatting.

Every response carries ``X-Request-ID`` (the client's, when it is a sane token, or
a new one) and every log line written while handling the request names it, so one
request can be followed across the service's logs. The access log records method,
path, status and duration: never bodies or query strings, which may hold health data.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

access_log = logging.getLogger("triage_service.access")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def install(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _SAFE_REQUEST_ID.match(offered) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Results are health data: no shared cache may keep them.
        response.headers.setdefault("Cache-Control", "no-store")
        started = g.get("started")
        duration_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        access_log.info(
            "%s %s %s %.1fms", request.method, request.path, response.status_code, duration_ms,
            extra={"request_id": request_id},
        )  # fmt: skip
        return response


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr, one line per record, with the request id (used by ``triage serve``)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
