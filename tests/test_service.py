"""The HTTP service through Flask's test client: every endpoint and every error path."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import load_cases
from openapi_spec_validator import validate

import triage_core
from triage_service import create_app

EXAMPLES = load_cases("examples.json")
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def app(engine: triage_core.Engine) -> Flask:
    return create_app({"BATCH_LIMIT": 3}, engine=engine)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as client:
        yield client


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.data
    assert response.mimetype == PROBLEM
    document: dict[str, Any] = response.get_json(force=True)
    assert {"type", "title", "status", "detail"} <= set(document)
    assert document["status"] == status
    return document


class TestTriage:
    @pytest.mark.parametrize("case", EXAMPLES, ids=[case["id"] for case in EXAMPLES])
    def test_example_cases(self, client: FlaskClient, case: dict[str, Any]) -> None:
        response = client.post("/v1/triage", json=case["report"])
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        result = response.get_json()
        assert result["api_version"] == "1"
        if "top" in case["expect"]:
            assert result["conditions"][0]["id"] in case["expect"]["top"]

    def test_keys_keep_the_contract_order(self, client: FlaskClient) -> None:
        text = client.post("/v1/triage", json=EXAMPLES[0]["report"]).get_data(as_text=True)
        assert list(json.loads(text)) == [
            "id", "api_version", "created_at", "triage", "conditions", "questions",
            "recommendations", "ruleset", "warnings", "disclaimer",
        ]  # fmt: skip

    def test_results_are_not_cached(self, client: FlaskClient) -> None:
        response = client.post("/v1/triage", json={})
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    def test_a_typo_is_422_naming_the_field(self, client: FlaskClient) -> None:
        document = problem_of(client.post("/v1/triage", json={"pain": {"sevrity": 4}}), 422)
        assert document["errors"] == {"pain.sevrity": ["Unknown field."]}
        assert document["type"] == "urn:triage:problem:invalid-report"

    def test_out_of_range_is_422_naming_the_field(self, client: FlaskClient) -> None:
        document = problem_of(client.post("/v1/triage", json={"pain": {"severity": 11}}), 422)
        assert list(document["errors"]) == ["pain.severity"]

    def test_a_non_object_report_is_422(self, client: FlaskClient) -> None:
        assert problem_of(client.post("/v1/triage", json=[1, 2]), 422)["errors"] == {
            "$": ["The report must be a JSON object."]
        }

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ('{"pain": ', "not valid JSON"),
            ('{"pain": {}, "pain": {}}', "duplicate key 'pain'"),
            ('{"runner": {"bmi": NaN}}', "NaN is not a JSON number"),
            (b"\xff\xfe", "not valid JSON"),
        ],
    )
    def test_malformed_json_is_400(self, client: FlaskClient, body: str | bytes, message: str) -> None:
        document = problem_of(client.post("/v1/triage", data=body, content_type="application/json"), 400)
        assert message in document["detail"]

    def test_a_body_over_the_limit_is_413(self, client: FlaskClient) -> None:
        body = json.dumps({"pain": {"locations": ["calf"] * 200_000}})
        assert len(body) > 1_000_000
        document = problem_of(client.post("/v1/triage", data=body, content_type="application/json"), 413)
        assert document["detail"] == "The request body is larger than the 65536-byte limit."

    def test_the_limit_is_configurable(self, engine: triage_core.Engine) -> None:
        small = create_app({"MAX_BODY_BYTES": 40}, engine=engine).test_client()
        problem_of(
            small.post("/v1/triage", json={"pain": {"locations": ["calf", "heel", "achilles", "knee_front"]}}), 413
        )

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
    def test_a_body_not_declared_as_json_is_415(self, client: FlaskClient, content_type: str | None) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        problem_of(client.post("/v1/triage", data="{}", headers=headers), 415)

    def test_json_variants_are_accepted(self, client: FlaskClient) -> None:
        response = client.post("/v1/triage", data="{}", content_type="application/json; charset=utf-8")
        assert response.status_code == 200


class TestBatch:
    def test_results_in_order_and_one_invalid_report_does_not_fail_the_others(self, client: FlaskClient) -> None:
        reports = [EXAMPLES[0]["report"], {"pain": {"sevrity": 1}}, EXAMPLES[3]["report"]]
        response = client.post("/v1/triage/batch", json={"reports": reports})
        assert response.status_code == 200
        results = response.get_json()["results"]
        assert [(item["index"], item["status"]) for item in results] == [(0, 200), (1, 422), (2, 200)]
        assert results[0]["result"]["conditions"][0]["id"] == "shin_splints"
        assert results[1]["problem"]["errors"] == {"pain.sevrity": ["Unknown field."]}
        assert results[2]["result"]["triage"]["level"] == "emergency"

    def test_over_the_configured_limit_is_422(self, client: FlaskClient) -> None:
        document = problem_of(client.post("/v1/triage/batch", json={"reports": [{}] * 4}), 422)
        assert document["errors"] == {"reports": ["At most 3 reports per batch."]}

    @pytest.mark.parametrize(
        ("body", "path"),
        [({}, "reports"), ({"reports": {}}, "reports"), ({"reports": [], "extra": 1}, "extra"), ([], "$")],
    )
    def test_a_malformed_batch_is_422_naming_the_field(self, client: FlaskClient, body: Any, path: str) -> None:
        assert path in problem_of(client.post("/v1/triage/batch", json=body), 422)["errors"]

    def test_the_default_limit_is_100(self, engine: triage_core.Engine) -> None:
        assert create_app(engine=engine).config["BATCH_LIMIT"] == 100


class TestDescriptions:
    def test_conditions_in_human_text(self, client: FlaskClient) -> None:
        document = client.get("/v1/conditions").get_json()
        assert document["ruleset_digest"].startswith("sha256:")
        shin = next(item for item in document["conditions"] if item["id"] == "shin_splints")
        hop = next(item for item in shin["evidence"] if item["id"] == "hop_pain")
        assert hop["rule"] == "pain.pain_on_hopping is true"
        assert hop["weight"] == -2
        assert hop["when"] == {"field": "pain.pain_on_hopping", "equals": True}
        assert shin["plugin"] == {"name": "shin_splints", "version": triage_core.__version__}
        assert shin["codes"][0]["code"] == "202888004"
        assert shin["references"]
        assert {item["category"] for item in shin["recommendations"]} >= {"acute_relief", "footwear"}
        assert shin["requires"]["rule"] == "pain.locations includes any of inner_shin, front_shin"

    def test_one_condition_with_its_red_flags(self, client: FlaskClient) -> None:
        document = client.get("/v1/conditions/dvt").get_json()
        assert [flag["id"] for flag in document["red_flags"]] == ["dvt", "pulmonary_embolism"]
        assert document["red_flags"][1]["level"] == "emergency_ambulance"

    def test_an_unknown_condition_is_404(self, client: FlaskClient) -> None:
        assert "shin_splints" in problem_of(client.get("/v1/conditions/plantar"), 404)["detail"]

    def test_plugins(self, client: FlaskClient) -> None:
        document = client.get("/v1/plugins").get_json()
        achilles = next(item for item in document["plugins"] if item["name"] == "achilles")
        assert achilles["distribution"] == "runner-triage"
        assert achilles["conditions"] == ["achilles_rupture", "achilles_tendinitis"]
        assert "triage_register_report_fields" in achilles["hooks"]
        assert achilles["error"] is None


class TestHealth:
    def test_healthz(self, client: FlaskClient) -> None:
        assert client.get("/healthz").get_json() == {"status": "ok"}

    def test_readyz_ready(self, client: FlaskClient, engine: triage_core.Engine) -> None:
        document = client.get("/readyz").get_json()
        assert document == {
            "status": "ready",
            "conditions": 10,
            "ruleset_digest": engine.ruleset.digest,
            "plugin_errors": [],
            "reasons": [],
        }

    def test_readyz_without_conditions_is_503(self) -> None:
        empty = create_app(engine=triage_core.load_engine(entry_points=False)).test_client()
        response = empty.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["reasons"] == ["no condition is loaded"]

    def test_readyz_with_a_plugin_error(self, install_plugin: Any) -> None:
        install_plugin("broken-plugin", "broken_plugin", "raise ImportError('nope')\n")
        broken_engine = triage_core.load_engine()
        response = create_app(engine=broken_engine).test_client().get("/readyz")
        assert response.status_code == 503
        document = response.get_json()
        assert document["status"] == "not_ready"
        assert document["plugin_errors"] == [
            {"plugin": "broken_plugin", "error": "could not import broken_plugin: ImportError: nope"}
        ]
        allowed = create_app({"ALLOW_PLUGIN_ERRORS": True}, engine=broken_engine).test_client().get("/readyz")
        assert allowed.status_code == 200
        assert allowed.get_json()["status"] == "degraded"


class TestErrors:
    def test_unknown_url_is_404(self, client: FlaskClient) -> None:
        problem_of(client.get("/v2/triage"), 404)

    def test_wrong_method_is_405_with_allow(self, client: FlaskClient) -> None:
        response = client.get("/v1/triage")
        problem_of(response, 405)
        assert "POST" in response.headers["Allow"]

    def test_an_unexpected_error_is_500_without_a_stack_trace(
        self, app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        def explode(report: Any) -> Any:
            message = "secret detail about the runner: " + json.dumps(report)
            raise RuntimeError(message)

        monkeypatch.setattr(app.extensions["triage"], "triage", explode)
        response = client.post("/v1/triage", json={"pain": {"locations": ["calf"]}})
        document = problem_of(response, 500)
        assert "Traceback" not in response.get_data(as_text=True)
        assert "secret" not in response.get_data(as_text=True)
        assert document["request_id"] == response.headers["X-Request-ID"]
        # The log has the type and the frames (code), never the message (data).
        assert "unhandled RuntimeError" in caplog.text
        assert "in explode" in caplog.text
        assert "secret" not in caplog.text
        assert "calf" not in caplog.text


class TestRequestIds:
    def test_a_request_id_is_echoed(self, client: FlaskClient) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"

    @pytest.mark.parametrize("offered", [None, "", "x" * 129, "bad id with spaces", "id;drop"])
    def test_one_is_generated_when_missing_or_unsafe(self, client: FlaskClient, offered: str | None) -> None:
        headers = {"X-Request-ID": offered} if offered is not None else {}
        generated = client.get("/healthz", headers=headers).headers["X-Request-ID"]
        assert generated != offered
        assert len(generated) == 32

    def test_errors_carry_it_too(self, client: FlaskClient) -> None:
        response = client.get("/nowhere", headers={"X-Request-ID": "req-9"})
        assert response.headers["X-Request-ID"] == "req-9"
        assert response.get_json()["request_id"] == "req-9"

    def test_access_log_names_the_request_and_never_the_body(
        self, client: FlaskClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="triage_service.access")
        client.post("/v1/triage?note=private", json={"pain": {"locations": ["calf"]}}, headers={"X-Request-ID": "r1"})
        (record,) = [record for record in caplog.records if record.name == "triage_service.access"]
        assert record.request_id == "r1"  # type: ignore[attr-defined]
        assert record.getMessage().startswith("POST /v1/triage 200 ")
        assert "calf" not in caplog.text
        assert "private" not in caplog.text


class TestOpenAPI:
    def test_the_document_validates(self, client: FlaskClient) -> None:
        validate(client.get("/openapi.json").get_json())

    def test_it_documents_every_endpoint_and_the_plugin_fields(self, client: FlaskClient, app: Flask) -> None:
        document = client.get("/openapi.json").get_json()
        documented = set(document["paths"])
        routed = {
            str(rule).replace("<condition_id>", "{condition_id}")
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(("api_v1.", "health."))
        }
        assert routed <= documented
        schemas = document["components"]["schemas"]
        assert "morning_stiffness_minutes" in schemas["AchillesExtension"]["properties"]
        assert schemas["Pain"]["additionalProperties"] is False
        assert schemas["Pain"]["properties"]["pain_on_hopping"]["x-question"] == "Does hopping on the painful leg hurt?"

    @pytest.mark.parametrize(
        ("path", "schema"),
        [
            ("/v1/conditions", "ConditionList"),
            ("/v1/conditions/{condition_id}", "ConditionDescription"),
            ("/v1/plugins", "PluginList"),
            ("/healthz", "Health"),
            ("/readyz", "Readiness"),
        ],
    )
    def test_each_read_documents_its_own_answer(self, client: FlaskClient, path: str, schema: str) -> None:
        document = client.get("/openapi.json").get_json()
        content = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert content["schema"] == {"$ref": f"#/components/schemas/{schema}"}

    def test_examples_are_real_results(self, client: FlaskClient) -> None:
        document = client.get("/openapi.json").get_json()
        examples = document["paths"]["/v1/triage"]["post"]["responses"]["200"]["content"]["application/json"]
        assert examples["examples"]["achilles_rupture"]["value"]["triage"]["level"] == "emergency"

    def test_docs_are_served_without_a_cdn(self, client: FlaskClient) -> None:
        page = client.get("/docs/").get_data(as_text=True)
        assert "/openapi.json" in page
        assert "https://" not in page
        assert client.get("/docs/swagger-ui-bundle.js").status_code == 200


def test_configuration_from_the_environment(monkeypatch: pytest.MonkeyPatch, engine: triage_core.Engine) -> None:
    monkeypatch.setenv("TRIAGE_MAX_BODY_BYTES", "1234")
    monkeypatch.setenv("TRIAGE_ALLOW_PLUGIN_ERRORS", "true")
    app = create_app(engine=engine)
    assert app.config["MAX_BODY_BYTES"] == 1234
    assert app.config["ALLOW_PLUGIN_ERRORS"] is True
    assert create_app({"MAX_BODY_BYTES": 99}, engine=engine).config["MAX_BODY_BYTES"] == 99


@pytest.mark.parametrize("value", ["0", "-5", "lots", "true"])
def test_bad_limits_are_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, engine: triage_core.Engine, value: str
) -> None:
    monkeypatch.setenv("TRIAGE_BATCH_LIMIT", value)
    with pytest.raises(ValueError, match="TRIAGE_BATCH_LIMIT must be a positive integer"):
        create_app(engine=engine)
