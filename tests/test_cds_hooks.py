"""CDS Hooks 2.0: discovery, the patient-view service with each prefetch case, cards,
feedback — and a client that follows the specification end to end."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fake_fhir import FakeFhirServer, fake_fhir_server
from flask.testing import FlaskClient
from helpers import load_cases
from test_cds_auth import EHR, PUBLIC, Client

import triage_core
from triage_service import create_app
from triage_service.cds.cards import INDICATORS
from triage_service.fhir.questionnaire import response_from_report

CASES = load_cases("examples.json") + load_cases("clinical.json")
QUESTIONNAIRE = f"{PUBLIC}/fhir/Questionnaire/runner-leg-pain"
PATIENT = "pat-42"


@pytest.fixture
def client(triage_engine: triage_core.Engine) -> FlaskClient:
    """Authentication is tested in test_cds_auth; here it is off, explicitly."""
    return create_app({"CDS_AUTH": "off", "PUBLIC_URL": PUBLIC}, engine=triage_engine).test_client()


@pytest.fixture
def fhir() -> Iterator[FakeFhirServer]:
    with fake_fhir_server() as server:
        yield server


def questionnaire_response(engine: triage_core.Engine, report: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = response_from_report(
        report, engine.catalog, questionnaire_url=QUESTIONNAIRE, subject=f"Patient/{PATIENT}"
    )
    return {**response, **extra}


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": item} for item in resources]}


def call(prefetch: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/dr-1", "patientId": PATIENT},
        **extra,
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


def no_empty_values(node: Any) -> bool:
    """The specification forbids null, "", [] and {} for optional fields."""
    if isinstance(node, dict):
        return all(value not in (None, "", [], {}) and no_empty_values(value) for value in node.values())
    if isinstance(node, list):
        return all(no_empty_values(item) for item in node)
    return True


def assert_valid_card(card: dict[str, Any]) -> None:
    assert set(card) <= {
        "uuid",
        "summary",
        "detail",
        "indicator",
        "source",
        "suggestions",
        "selectionBehavior",
        "overrideReasons",
        "links",
    }
    uuid.UUID(card["uuid"])
    assert 0 < len(card["summary"]) < 140
    assert card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"]
    assert card["source"]["url"].startswith(PUBLIC)
    if "suggestions" in card:
        assert card["selectionBehavior"] in ("at-most-one", "any")
        for suggestion in card["suggestions"]:
            assert suggestion["label"]
            uuid.UUID(suggestion["uuid"])
            for action in suggestion["actions"]:
                assert action["type"] in ("create", "update", "delete")
                assert action["description"]
    for link in card.get("links", []):
        assert link["label"]
        assert link["url"].startswith("https://")
        assert link["type"] in ("absolute", "smart")
    for reason in card.get("overrideReasons", []):
        assert reason["display"]
    assert no_empty_values(card)


def test_discovery(client: FlaskClient) -> None:
    (service,) = client.get("/cds-services").get_json()["services"]
    assert service["hook"] == "patient-view"
    assert service["id"] == "runner-leg-pain"
    assert service["description"]
    assert service["prefetch"] == {
        "painReport": f"QuestionnaireResponse?patient={{{{context.patientId}}}}&questionnaire={QUESTIONNAIRE}"
        "&status=completed&_sort=-authored&_count=1",
        "painSeverity": "Observation?patient={{context.patientId}}&code=http://loinc.org|72514-3&_sort=-date&_count=1",
    }
    assert no_empty_values(service)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_cards_follow_the_specification_and_the_triage_level(
    client: FlaskClient, triage_engine: triage_core.Engine, case: dict[str, Any]
) -> None:
    prefetch = {"painReport": bundle(questionnaire_response(triage_engine, case["report"])), "painSeverity": None}
    answer = client.post("/cds-services/runner-leg-pain", json=call(prefetch))
    assert answer.status_code == 200, answer.get_json()
    (card,) = answer.get_json()["cards"]
    assert_valid_card(card)
    level = triage_engine.triage(case["report"]).triage.level
    assert card["indicator"] == INDICATORS[level]
    assert f"**Triage level: {level.value}.**" in card["detail"]


def test_a_suspected_stress_fracture_suggests_a_referral(
    client: FlaskClient, triage_engine: triage_core.Engine
) -> None:
    report = next(case["report"] for case in CASES if case["id"] == "stress_fracture_pinpoint")
    prefetch = {"painReport": bundle(questionnaire_response(triage_engine, report))}
    (card,) = client.post("/cds-services/runner-leg-pain", json=call(prefetch)).get_json()["cards"]
    assert card["selectionBehavior"] == "at-most-one"
    (suggestion,) = card["suggestions"]
    (action,) = suggestion["actions"]
    referral = action["resource"]
    assert referral["resourceType"] == "ServiceRequest"
    assert referral["subject"] == {"reference": f"Patient/{PATIENT}"}
    assert referral["priority"] == "urgent"
    assert referral["reasonCode"][0]["coding"][0]["code"] == "442205007"
    assert card["source"]["url"] == f"{PUBLIC}/v1/conditions/tibial_stress_fracture"


class TestPrefetch:
    def test_null_means_no_data(self, client: FlaskClient) -> None:
        (card,) = client.post("/cds-services/runner-leg-pain", json=call({"painReport": None})).get_json()["cards"]
        assert_valid_card(card)
        assert card["indicator"] == "info"
        assert card["links"][0]["url"] == QUESTIONNAIRE

    def test_an_empty_bundle_means_no_data(self, client: FlaskClient) -> None:
        answer = client.post("/cds-services/runner-leg-pain", json=call({"painReport": bundle()}))
        assert answer.get_json()["cards"][0]["summary"].startswith("No runner leg-pain report on file")

    def test_an_operation_outcome_is_412(self, client: FlaskClient) -> None:
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "timeout", "diagnostics": "search timed out"}],
        }
        answer = client.post("/cds-services/runner-leg-pain", json=call({"painReport": outcome}))
        assert answer.status_code == 412
        assert answer.mimetype == "application/problem+json"
        assert "search timed out" in answer.get_json()["detail"]

    def test_missing_without_fhir_access_is_412(self, client: FlaskClient) -> None:
        answer = client.post("/cds-services/runner-leg-pain", json=call({}))
        assert answer.status_code == 412
        assert "no 'painReport' prefetch and no FHIR server access" in answer.get_json()["detail"]

    def test_missing_is_fetched_from_the_fhir_server_with_the_bearer_token(
        self, client: FlaskClient, fhir: FakeFhirServer, triage_engine: triage_core.Engine
    ) -> None:
        report = next(case["report"] for case in CASES if case["id"] == "achilles_rupture_pop")
        fhir.answer("/fhir/QuestionnaireResponse", bundle(questionnaire_response(triage_engine, report)))
        fhir.answer("/fhir/Observation", bundle())
        authorization = {
            "access_token": "opaque-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/QuestionnaireResponse.read",
            "subject": "runner-triage",
        }
        answer = client.post(
            "/cds-services/runner-leg-pain",
            json=call(fhirServer=fhir.base_url, fhirAuthorization=authorization),
        )
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["cards"][0]["indicator"] == "critical"
        paths = [path for path, _ in fhir.requests]
        assert paths[0] == (
            f"/fhir/QuestionnaireResponse?patient={PATIENT}&questionnaire={QUESTIONNAIRE}"
            "&status=completed&_sort=-authored&_count=1"
        )
        assert all(headers["Authorization"] == "Bearer opaque-token" for _, headers in fhir.requests)

    def test_a_failing_fhir_server_is_412(self, client: FlaskClient, fhir: FakeFhirServer) -> None:
        fhir.answer("/fhir/QuestionnaireResponse", {"resourceType": "OperationOutcome"}, status=500)
        authorization = {"access_token": "t", "token_type": "Bearer", "expires_in": 300, "scope": "s", "subject": "c"}
        answer = client.post(
            "/cds-services/runner-leg-pain", json=call(fhirServer=fhir.base_url, fhirAuthorization=authorization)
        )
        assert answer.status_code == 412
        assert "FHIR server answered 500" in answer.get_json()["detail"]

    def test_an_unreachable_fhir_server_is_412(self, client: FlaskClient) -> None:
        authorization = {"access_token": "t", "token_type": "Bearer", "expires_in": 300, "scope": "s", "subject": "c"}
        answer = client.post(
            "/cds-services/runner-leg-pain",
            json=call(fhirServer="http://127.0.0.1:9/fhir", fhirAuthorization=authorization),
        )
        assert answer.status_code == 412
        assert "unreachable" in answer.get_json()["detail"]

    def test_pain_severity_observations_fill_an_unanswered_severity(
        self, client: FlaskClient, triage_engine: triage_core.Engine
    ) -> None:
        observation = {
            "resourceType": "Observation",
            "status": "final",
            "subject": {"reference": f"Patient/{PATIENT}"},
            "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
            "effectiveDateTime": "2026-11-20T10:00:00Z",
            "valueInteger": 9,
        }
        # A calf strain that hurts when walking needs review only if the pain is 5/10 or worse.
        report = {"pain": {"locations": ["calf"], "onset": "sudden", "character": ["sharp"], "when": ["walking"]}}
        response = bundle(questionnaire_response(triage_engine, report))
        without = client.post(
            "/cds-services/runner-leg-pain", json=call({"painReport": response, "painSeverity": None})
        )
        assert without.get_json()["cards"][0]["indicator"] == "info"
        with_score = client.post(
            "/cds-services/runner-leg-pain", json=call({"painReport": response, "painSeverity": bundle(observation)})
        )
        assert with_score.get_json()["cards"][0]["indicator"] == "warning"

    def test_data_about_another_patient_is_never_used(
        self, client: FlaskClient, triage_engine: triage_core.Engine
    ) -> None:
        other = questionnaire_response(triage_engine, CASES[0]["report"], subject={"reference": "Patient/someone-else"})
        answer = client.post("/cds-services/runner-leg-pain", json=call({"painReport": bundle(other)}))
        assert answer.status_code == 412
        assert "another patient" in answer.get_json()["detail"]

    def test_the_latest_questionnaire_response_wins(
        self, client: FlaskClient, triage_engine: triage_core.Engine
    ) -> None:
        old = questionnaire_response(triage_engine, CASES[3]["report"], authored="2026-01-01T00:00:00Z")
        new = questionnaire_response(triage_engine, CASES[0]["report"], authored="2026-11-01T00:00:00Z")
        (card,) = client.post("/cds-services/runner-leg-pain", json=call({"painReport": bundle(old, new)})).get_json()[
            "cards"
        ]
        assert card["indicator"] == "info"  # the shin-splints report, not the old rupture


class TestInvalidCalls:
    @pytest.mark.parametrize(
        ("body", "path"),
        [
            (call({}, hook="order-sign"), "hook"),
            (
                {"hook": "patient-view", "hookInstance": "x", "context": {"userId": "Practitioner/1"}},
                "context.patientId",
            ),
            (
                call(
                    {},
                    fhirAuthorization={
                        "access_token": "t",
                        "token_type": "Bearer",
                        "expires_in": 1,
                        "scope": "s",
                        "subject": "c",
                    },
                ),
                "fhirServer",
            ),
            (call({}, fhirServer="not a url"), "fhirServer"),
        ],
    )
    def test_an_invalid_request_is_422_naming_the_field(
        self, client: FlaskClient, body: dict[str, Any], path: str
    ) -> None:
        answer = client.post("/cds-services/runner-leg-pain", json=body)
        assert answer.status_code == 422
        assert path in answer.get_json()["errors"]

    def test_a_questionnaire_response_with_unknown_answers_is_422(
        self, client: FlaskClient, triage_engine: triage_core.Engine
    ) -> None:
        response = questionnaire_response(triage_engine, CASES[0]["report"])
        response["item"].append({"linkId": "pain.mood", "answer": [{"valueBoolean": True}]})
        answer = client.post("/cds-services/runner-leg-pain", json=call({"painReport": bundle(response)}))
        assert answer.status_code == 422
        assert "pain.mood" in answer.get_json()["errors"]

    def test_extensions_and_unknown_envelope_fields_are_tolerated(self, client: FlaskClient) -> None:
        body = call({"painReport": None}, extension={"com.example.x": 1}, futureField=True)
        assert client.post("/cds-services/runner-leg-pain", json=body).status_code == 200


class TestFeedback:
    def post(self, client: FlaskClient, *items: dict[str, Any]) -> Any:
        return client.post("/cds-services/runner-leg-pain/feedback", json={"feedback": list(items)})

    def test_outcomes_are_counted_once_per_card(self, client: FlaskClient) -> None:
        accepted = {
            "card": "card-1",
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": "s-1"}],
            "outcomeTimestamp": "2026-11-25T10:00:00Z",
        }
        overridden = {
            "card": "card-2",
            "outcome": "overridden",
            "outcomeTimestamp": "2026-11-25T10:01:00Z",
            "overrideReason": {
                "reason": {"system": "urn:triage:cds-override-reason", "code": "already-assessed"},
                "userComment": "Seen in clinic yesterday.",
            },
        }
        assert self.post(client, accepted, overridden).get_json() == {"recorded": 2, "repeated": 0}
        assert self.post(client, accepted).get_json() == {"recorded": 0, "repeated": 1}
        summary = client.get("/v1/feedback/summary").get_json()
        assert summary["cards"] == 2
        assert summary["outcomes"] == {"accepted": 1, "overridden": 1}
        assert summary["override_reasons"] == {"urn:triage:cds-override-reason|already-assessed": 1}
        assert summary["accepted_suggestions"] == 1
        assert "not yet stored durably" in summary["scope"]

    @pytest.mark.parametrize(
        ("item", "path"),
        [
            (
                {"card": "c", "outcome": "accepted", "outcomeTimestamp": "2026-11-25T10:00:00Z"},
                "feedback.0.acceptedSuggestions",
            ),
            ({"card": "c", "outcome": "ignored", "outcomeTimestamp": "2026-11-25T10:00:00Z"}, "feedback.0.outcome"),
            ({"card": "c", "outcome": "overridden", "outcomeTimestamp": "yesterday"}, "feedback.0.outcomeTimestamp"),
        ],
    )
    def test_invalid_feedback_is_422(self, client: FlaskClient, item: dict[str, Any], path: str) -> None:
        answer = self.post(client, item)
        assert answer.status_code == 422
        assert path in answer.get_json()["errors"]


def test_a_cds_client_following_the_specification(triage_engine: triage_core.Engine) -> None:
    """Acceptance: discovery, then a patient-view call with prefetch, both with a signed
    JWT; the card's indicator matches the level the same report gets from /v1/triage."""
    ehr = Client()
    config = {"PUBLIC_URL": PUBLIC, "CDS_ISSUERS": {EHR: {"jwks": {"keys": [ehr.jwk]}}}}
    app = create_app(config, engine=triage_engine).test_client()
    discovered = app.get("/cds-services", headers={"Authorization": f"Bearer {ehr.token(f'{PUBLIC}/cds-services')}"})
    (service,) = discovered.get_json()["services"]
    endpoint = f"{PUBLIC}/cds-services/{service['id']}"
    for case in CASES:
        prefetch = {
            key: bundle(questionnaire_response(triage_engine, case["report"])) if key == "painReport" else bundle()
            for key in service["prefetch"]
        }
        answer = app.post(
            f"/cds-services/{service['id']}",
            json=call(prefetch),
            headers={"Authorization": f"Bearer {ehr.token(endpoint)}"},
        )
        assert answer.status_code == 200, (case["id"], answer.get_json())
        (card,) = answer.get_json()["cards"]
        assert_valid_card(card)
        level = app.post("/v1/triage", json=case["report"]).get_json()["triage"]["level"]
        assert card["indicator"] == INDICATORS[level], case["id"]


def test_the_documented_example_call_answers_as_documented(triage_engine: triage_core.Engine) -> None:
    """docs/ehr.md shows a real request and its cards; keep them true."""
    import json
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "ehr.md").read_text()
    blocks = [block.split("\n```", 1)[0] for block in text.split("```json\n")[1:]]
    request, documented = json.loads(blocks[0]), json.loads(blocks[1])
    app = create_app({"CDS_AUTH": "off", "PUBLIC_URL": PUBLIC}, engine=triage_engine).test_client()
    answer = app.post("/cds-services/runner-leg-pain", json=request).get_json()

    def without_ids(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: without_ids(value) for key, value in node.items() if key != "uuid"}
        if isinstance(node, list):
            return [without_ids(item) for item in node]
        return node

    assert without_ids(answer) == without_ids(documented)
