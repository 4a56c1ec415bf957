"""End to end: the real ``triage serve`` (gunicorn) on a loopback port, over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from helpers import load_cases

from triage_core.testing import unmet

EXAMPLES = load_cases("examples.json")


def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.mark.e2e
@pytest.mark.parametrize("case", EXAMPLES, ids=[case["id"] for case in EXAMPLES])
def test_example_cases_over_http(live_server: str, case: dict[str, Any]) -> None:
    status, headers, result = post(f"{live_server}/v1/triage", json.dumps(case["report"]).encode())
    assert status == 200
    assert headers["Server"].startswith("gunicorn")
    assert headers["X-Request-ID"]
    assert unmet(result, case["expect"]) == []


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"pain": {"sevrity": 3}}', "application/json", 422),
        (b'{"pain": ', "application/json", 400),
        (b"{}", "text/plain", 415),
        (b"x" * 1_000_000, "application/json", 413),
    ],
    ids=["typo-422", "broken-400", "not-json-415", "1MB-413"],
)
def test_errors_over_http_are_problem_json(live_server: str, body: bytes, content_type: str, status: int) -> None:
    got, headers, document = post(f"{live_server}/v1/triage", body, content_type)
    assert got == status
    assert headers["Content-Type"] == "application/problem+json"
    assert document["status"] == status
