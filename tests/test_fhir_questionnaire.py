"""The FHIR R4 Questionnaire generated from the report schema, and answers back to reports."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from helpers import load_cases

import triage_core
from triage_core.field_catalog import FieldKind
from triage_service import create_app
from triage_service.fhir.questionnaire import (
    ANSWER_SYSTEM,
    QuestionnaireResponseError,
    build_questionnaire,
    report_from_response,
    response_from_report,
)

CASES = load_cases("examples.json") + load_cases("clinical.json")
URL = "https://triage.example.org/fhir/Questionnaire/runner-leg-pain"


@pytest.fixture(scope="module")
def questionnaire(triage_engine: triage_core.Engine) -> dict[str, Any]:
    return build_questionnaire(triage_engine.catalog, canonical_url=URL, version="1.0")


def questions(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for group in document["item"] for item in group["item"]}


def test_every_report_field_is_an_item(questionnaire: dict[str, Any], triage_engine: triage_core.Engine) -> None:
    assert set(questions(questionnaire)) == set(triage_engine.catalog)
    assert [group["linkId"] for group in questionnaire["item"]][:7] == [
        "runner",
        "pain",
        "signs",
        "history",
        "training",
        "footwear",
        "lifestyle",
    ]
    assert Questionnaire.model_validate(questionnaire).url == URL


def test_items_follow_the_schema(questionnaire: dict[str, Any], triage_engine: triage_core.Engine) -> None:
    items = questions(questionnaire)
    for path, spec in triage_engine.catalog.specs.items():
        item = items[path]
        assert item["text"] == spec.question
        if spec.options:
            assert [option["valueCoding"]["code"] for option in item["answerOption"]] == list(spec.options)
            assert {option["valueCoding"]["system"] for option in item["answerOption"]} == {ANSWER_SYSTEM}
        assert item.get("repeats", False) is (spec.kind is FieldKind.CHOICES)
    severity = items["pain.severity"]
    assert severity["type"] == "integer"
    assert [(ext["url"].rsplit("/", 1)[1], ext["valueInteger"]) for ext in severity["extension"]] == [
        ("minValue", 0),
        ("maxValue", 10),
    ]
    assert items["runner.bmi"]["type"] == "decimal"
    assert items["signs.fever"]["type"] == "boolean"
    assert items["extensions.achilles.morning_stiffness_minutes"]["type"] == "integer"


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_round_trip_gives_the_same_report_and_level(case: dict[str, Any], triage_engine: triage_core.Engine) -> None:
    response = response_from_report(case["report"], triage_engine.catalog, questionnaire_url=URL, subject="Patient/1")
    report = report_from_response(response, triage_engine.catalog)
    assert report == case["report"]
    assert triage_engine.triage(report).triage.level == triage_engine.triage(case["report"]).triage.level


def response(*items: dict[str, Any], questionnaire: str = URL) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": questionnaire,
        "item": list(items),
    }


def test_an_answer_to_an_unknown_link_id_is_refused_by_name(triage_engine: triage_core.Engine) -> None:
    bad = response({"linkId": "pain", "item": [{"linkId": "pain.sevrity", "answer": [{"valueInteger": 3}]}]})
    with pytest.raises(QuestionnaireResponseError) as caught:
        report_from_response(bad, triage_engine.catalog)
    assert caught.value.errors == {"pain.sevrity": ["Unknown linkId: not a question of the runner-leg-pain form."]}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"linkId": "pain.severity", "answer": [{"valueString": "bad"}]}, "Expected an integer answer"),
        ({"linkId": "signs.fever", "answer": [{"valueBoolean": True}, {"valueBoolean": False}]}, "Only one answer"),
        (
            {"linkId": "pain.onset", "answer": [{"valueCoding": {"system": "http://other", "code": "sudden"}}]},
            "Answer coding system must be",
        ),
    ],
)
def test_answers_of_the_wrong_shape_are_refused(
    triage_engine: triage_core.Engine, item: dict[str, Any], message: str
) -> None:
    with pytest.raises(QuestionnaireResponseError) as caught:
        report_from_response(response(item), triage_engine.catalog)
    assert message in caught.value.errors[item["linkId"]][0]


def test_answers_for_another_questionnaire_are_refused(triage_engine: triage_core.Engine) -> None:
    with pytest.raises(QuestionnaireResponseError, match="is not the runner-leg-pain form"):
        report_from_response(response(questionnaire="http://x.org/Questionnaire/phq-9"), triage_engine.catalog)


def test_not_a_questionnaire_response(triage_engine: triage_core.Engine) -> None:
    with pytest.raises(QuestionnaireResponseError, match="not a valid R4 QuestionnaireResponse"):
        report_from_response(
            {"resourceType": "QuestionnaireResponse", "item": [{"text": "no linkId"}]}, triage_engine.catalog
        )


def test_string_answers_for_choices_and_unanswered_items(triage_engine: triage_core.Engine) -> None:
    report = report_from_response(
        response(
            {
                "linkId": "pain",
                "item": [
                    {"linkId": "pain.onset", "answer": [{"valueString": "gradual"}]},
                    {"linkId": "pain.severity"},
                ],
            },
        ),
        triage_engine.catalog,
    )
    assert report == {"pain": {"onset": "gradual"}}


def test_served_as_fhir_json_with_the_public_canonical_url(triage_engine: triage_core.Engine) -> None:
    client = create_app({"PUBLIC_URL": "https://triage.example.org/"}, engine=triage_engine).test_client()
    answer = client.get("/fhir/Questionnaire/runner-leg-pain")
    assert answer.status_code == 200
    assert answer.mimetype == "application/fhir+json"
    document = answer.get_json()
    assert document["url"] == URL
    assert document["version"] == triage_core.__version__


def test_the_questionnaire_cache_stays_bounded_whatever_the_host_header(triage_engine: triage_core.Engine) -> None:
    app = create_app(engine=triage_engine)
    client = app.test_client()
    for index in range(40):
        answer = client.get("/fhir/Questionnaire/runner-leg-pain", headers={"Host": f"host{index}.example"})
        assert answer.get_json()["url"] == f"http://host{index}.example/fhir/Questionnaire/runner-leg-pain"
    assert len(app.extensions["triage.cds"].questionnaires) <= 8
