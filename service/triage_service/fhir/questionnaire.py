"""The symptom report as a FHIR R4 Questionnaire, and QuestionnaireResponses back to reports.

The Questionnaire is generated from the report schema (through the engine's field
catalogue), never maintained by hand: every report field is an item whose ``linkId``
is the field's path (``pain.severity``), grouped by section, with the enum values as
answer options and the ranges as min/max extensions. So an EHR can render the intake
form, and its answers map back to a report field by field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from triage_core.field_catalog import FieldCatalog, FieldKind, FieldSpec
from triage_core.report import flatten, nest

QUESTIONNAIRE_ID = "runner-leg-pain"
#: The code system of the answer options: the codes are the report's own enum values.
ANSWER_SYSTEM = "urn:triage:report-answer"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

SECTION_TITLES = {
    "runner": "About the runner",
    "pain": "The pain",
    "signs": "Signs",
    "history": "Medical history",
    "training": "Training",
    "footwear": "Footwear",
    "lifestyle": "Lifestyle",
}
_ITEM_TYPES = {
    FieldKind.BOOLEAN: "boolean",
    FieldKind.INTEGER: "integer",
    FieldKind.NUMBER: "decimal",
    FieldKind.CHOICE: "choice",
    FieldKind.CHOICES: "choice",
    FieldKind.TEXT: "string",
}


class QuestionnaireResponseError(ValueError):
    """The QuestionnaireResponse cannot be read as a report; ``errors`` maps linkIds
    (or ``$``) to messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {' '.join(messages)}" for key, messages in self.errors.items()))


def build_questionnaire(catalog: FieldCatalog, *, canonical_url: str, version: str) -> dict[str, Any]:
    """The R4 Questionnaire for this engine's report schema (extension fields included)."""
    document = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": canonical_url,
        "version": version,
        "name": "RunnerLegPain",
        "title": "Lower-leg pain in runners: symptom report",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "Where it hurts, how it started, training, shoes and history: the symptom report the runner-triage "
            "service triages. Every question is optional; unanswered means unknown."
        ),
        "item": [_group(section, specs) for section, specs in _sections(catalog)],
    }
    model = Questionnaire.model_validate(document)
    dumped: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return dumped


def _sections(catalog: FieldCatalog) -> Iterable[tuple[str, list[FieldSpec]]]:
    grouped: dict[str, list[FieldSpec]] = {}
    for path in catalog:
        section = path.rsplit(".", 1)[0]
        grouped.setdefault(section, []).append(catalog[path])
    return grouped.items()


def _group(section: str, specs: list[FieldSpec]) -> dict[str, Any]:
    title = SECTION_TITLES.get(section) or f"Additional questions: {section.removeprefix('extensions.')}"
    return {"linkId": section, "text": title, "type": "group", "item": [_question(spec) for spec in specs]}


def _question(spec: FieldSpec) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": spec.path, "text": spec.question, "type": _ITEM_TYPES[spec.kind]}
    if spec.kind is FieldKind.CHOICES:
        item["repeats"] = True
    if spec.options:
        item["answerOption"] = [
            {"valueCoding": {"system": ANSWER_SYSTEM, "code": option, "display": option.replace("_", " ")}}
            for option in spec.options
        ]
    value_type = "valueInteger" if spec.kind is FieldKind.INTEGER else "valueDecimal"
    extensions = [
        {"url": url, value_type: int(bound) if spec.kind is FieldKind.INTEGER else bound}
        for url, bound in ((MIN_VALUE, spec.minimum), (MAX_VALUE, spec.maximum))
        if bound is not None and spec.is_numeric
    ]
    if extensions:
        item["extension"] = extensions
    return item


def report_from_response(response: Mapping[str, Any], catalog: FieldCatalog) -> dict[str, Any]:
    """Map a QuestionnaireResponse for the runner-leg-pain Questionnaire to a report
    (JSON form, to be validated by the engine). Unanswered items stay unknown.

    Raises :class:`QuestionnaireResponseError` for an invalid resource, an answer to an
    unknown linkId, or an answer of the wrong type."""
    try:
        model = QuestionnaireResponse.model_validate(dict(response))
    except ValidationError as error:
        raise QuestionnaireResponseError({"$": [f"not a valid R4 QuestionnaireResponse: {_first(error)}"]}) from None
    data = model.model_dump(mode="json", exclude_none=True)
    questionnaire = str(data.get("questionnaire", "")).split("|", 1)[0]
    if questionnaire and not questionnaire.endswith(f"Questionnaire/{QUESTIONNAIRE_ID}"):
        raise QuestionnaireResponseError({"questionnaire": [f"{questionnaire!r} is not the {QUESTIONNAIRE_ID} form"]})
    errors: dict[str, list[str]] = {}
    flat: dict[str, Any] = {}
    groups = {path.rsplit(".", 1)[0] for path in catalog}
    _read_items(data.get("item", []), catalog, groups, flat, errors)
    if errors:
        raise QuestionnaireResponseError(errors)
    return nest(flat)


def _read_items(
    items: Iterable[Mapping[str, Any]],
    catalog: FieldCatalog,
    groups: set[str],
    flat: dict[str, Any],
    errors: dict[str, list[str]],
) -> None:
    for item in items:
        link_id = item["linkId"]
        if link_id in groups:
            _read_items(item.get("item", []), catalog, groups, flat, errors)
            continue
        spec = catalog.get(link_id)
        if spec is None:
            errors.setdefault(link_id, []).append("Unknown linkId: not a question of the runner-leg-pain form.")
            continue
        answers = item.get("answer", [])
        if not answers:
            continue
        try:
            values = [_answer_value(spec, answer) for answer in answers]
        except ValueError as error:
            errors.setdefault(link_id, []).append(str(error))
            continue
        if spec.kind is FieldKind.CHOICES:
            flat[link_id] = values
        elif len(values) > 1:
            errors.setdefault(link_id, []).append("Only one answer is allowed.")
        else:
            flat[link_id] = values[0]


def _answer_value(spec: FieldSpec, answer: Mapping[str, Any]) -> Any:
    if spec.kind is FieldKind.BOOLEAN and "valueBoolean" in answer:
        return answer["valueBoolean"]
    if spec.kind is FieldKind.INTEGER and "valueInteger" in answer:
        return answer["valueInteger"]
    if spec.kind is FieldKind.NUMBER and ("valueDecimal" in answer or "valueInteger" in answer):
        return answer.get("valueDecimal", answer.get("valueInteger"))
    if spec.kind in (FieldKind.CHOICE, FieldKind.CHOICES):
        if "valueCoding" in answer:
            coding = answer["valueCoding"]
            if coding.get("system", ANSWER_SYSTEM) != ANSWER_SYSTEM:
                raise ValueError(f"Answer coding system must be {ANSWER_SYSTEM}.")
            return coding.get("code")
        if "valueString" in answer:
            return answer["valueString"]
    if spec.kind is FieldKind.TEXT and "valueString" in answer:
        return answer["valueString"]
    given = ", ".join(key for key in answer if key.startswith("value")) or "no value"
    kind = _ITEM_TYPES[spec.kind]
    raise ValueError(f"Expected {'an' if kind[0] in 'aeiou' else 'a'} {kind} answer, got {given}.")


def response_from_report(
    report: Mapping[str, Any], catalog: FieldCatalog, *, questionnaire_url: str, subject: str | None = None
) -> dict[str, Any]:
    """The QuestionnaireResponse an EHR would store for this report (the inverse of
    :func:`report_from_response`); for integrators building test data."""
    known = flatten(report)
    items = []
    for section, specs in _sections(catalog):
        answered = [spec for spec in specs if known.get(spec.path) is not None]
        if not answered:
            continue
        items.append(
            {
                "linkId": section,
                "item": [{"linkId": spec.path, "answer": _answers(spec, known[spec.path])} for spec in answered],
            }
        )
    document: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url,
        "status": "completed",
        "item": items,
    }
    if subject:
        document["subject"] = {"reference": subject}
    dumped: dict[str, Any] = QuestionnaireResponse.model_validate(document).model_dump(mode="json", exclude_none=True)
    return dumped


def _answers(spec: FieldSpec, value: Any) -> list[dict[str, Any]]:
    if spec.kind is FieldKind.BOOLEAN:
        return [{"valueBoolean": value}]
    if spec.kind is FieldKind.INTEGER:
        return [{"valueInteger": value}]
    if spec.kind is FieldKind.NUMBER:
        return [{"valueDecimal": value}]
    if spec.kind in (FieldKind.CHOICE, FieldKind.CHOICES):
        values = value if spec.kind is FieldKind.CHOICES else [value]
        return [{"valueCoding": {"system": ANSWER_SYSTEM, "code": item}} for item in values]
    return [{"valueString": value}]


def _first(error: ValidationError) -> str:
    detail = error.errors()[0]
    location = ".".join(str(part) for part in detail.get("loc", ()))
    return f"{location}: {detail.get('msg')}" if location else str(detail.get("msg"))


__all__ = [
    "ANSWER_SYSTEM",
    "QUESTIONNAIRE_ID",
    "QuestionnaireResponseError",
    "build_questionnaire",
    "report_from_response",
    "response_from_report",
]
