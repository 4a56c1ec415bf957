"""Reading a JSON request body strictly.

A clinical payload is never guessed at: the body must be declared as JSON, fit the
size limit, parse as JSON, and hold no duplicate keys (Python's json would silently
keep the last one) and no NaN or Infinity (which JSON does not have).
"""

from __future__ import annotations

import json
from typing import Any

from flask import request

from triage_service.problems import INVALID_REQUEST, ProblemError

#: A body declared too large is read and thrown away up to this size before the 413
#: goes out: a client still sending would otherwise get a connection reset instead of
#: the answer. Past it the connection is simply closed.
DRAIN_AT_MOST = 4 * 1024 * 1024


def read_json(max_bytes: int) -> Any:
    request.max_content_length = max_bytes
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        _drain(declared)
        raise ProblemError(413, f"The request body is larger than the {max_bytes}-byte limit.")
    if not request.is_json:
        raise ProblemError(
            415,
            f"Send the body as JSON (Content-Type: application/json), not {request.mimetype or 'no content type'}.",
        )
    raw = request.get_data(cache=False)  # raises 413 past max_bytes
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError) as error:
        raise ProblemError(400, f"The body is not valid JSON: {error}", type_=INVALID_REQUEST) from None


def _drain(declared: int) -> None:
    if declared > DRAIN_AT_MOST:
        return
    stream = request.environ["wsgi.input"]
    remaining = declared
    while remaining > 0:
        chunk = stream.read(min(remaining, 64 * 1024))
        if not chunk:
            return
        remaining -= len(chunk)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
