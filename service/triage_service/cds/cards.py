"""Turning a triage result into CDS Hooks cards a clinician reads in the EHR."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fhir.resources.R4B.servicerequest import ServiceRequest

from triage_core.levels import TriageLevel
from triage_core.result import ConditionResult, TriageResult

SUMMARY_LIMIT = 140
INDICATORS = {
    TriageLevel.EMERGENCY_AMBULANCE: "critical",
    TriageLevel.EMERGENCY: "critical",
    TriageLevel.CONSULTATION_24: "warning",
    TriageLevel.CONSULTATION: "warning",
    TriageLevel.SELF_CARE: "info",
}
_ACTION = {
    TriageLevel.EMERGENCY_AMBULANCE: "Call an ambulance",
    TriageLevel.EMERGENCY: "Emergency department now",
    TriageLevel.CONSULTATION_24: "Review within 24 h",
    TriageLevel.CONSULTATION: "Review within days",
    TriageLevel.SELF_CARE: "Self-care",
}
_PRIORITY = {TriageLevel.CONSULTATION_24: "urgent", TriageLevel.CONSULTATION: "routine"}
_ARTICLED = {"urgent": "an urgent", "routine": "a routine"}
OVERRIDE_REASON_SYSTEM = "urn:triage:cds-override-reason"
OVERRIDE_REASONS = (
    {"system": OVERRIDE_REASON_SYSTEM, "code": "already-assessed", "display": "Already assessed by a clinician"},
    {"system": OVERRIDE_REASON_SYSTEM, "code": "not-consistent", "display": "Does not fit the clinical picture"},
    {"system": OVERRIDE_REASON_SYSTEM, "code": "patient-declined", "display": "Patient declined"},
)
SOURCE_LABEL = "Runner leg-pain triage"


def triage_card(
    result: TriageResult,
    *,
    patient_id: str,
    condition_url: Callable[[str], str],
    service_url: str,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> dict[str, Any]:
    """One card: indicator from the triage level, the reasoning in Markdown, links to
    the conditions' descriptions and, for a condition needing review, a referral."""
    level = TriageLevel(result.triage.level)
    driver = _driving_condition(result, level)
    card: dict[str, Any] = {
        "uuid": new_id(),
        "summary": _summary(level, driver, result),
        "indicator": INDICATORS[level],
        "detail": _detail(result),
        "source": {"label": SOURCE_LABEL, "url": condition_url(driver.id) if driver else service_url},
        "overrideReasons": [dict(reason) for reason in OVERRIDE_REASONS],
    }
    links = [
        {"label": f"About {condition.name}", "url": condition_url(condition.id), "type": "absolute"}
        for condition in result.conditions[:3]
    ]
    if links:
        card["links"] = links
    if driver is not None and level in _PRIORITY and driver.codes:
        card["suggestions"] = [_referral(driver, level, patient_id, new_id)]
        card["selectionBehavior"] = "at-most-one"
    return card


def no_report_card(*, questionnaire_url: str, new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> dict[str, Any]:
    return {
        "uuid": new_id(),
        "summary": "No runner leg-pain report on file: send the intake questionnaire to triage this patient.",
        "indicator": "info",
        "detail": (
            "This patient has no completed *runner leg-pain* QuestionnaireResponse, so no triage was made. "
            f"The questionnaire is at {questionnaire_url}."
        ),
        "source": {"label": SOURCE_LABEL, "url": questionnaire_url},
        "links": [{"label": "Runner leg-pain questionnaire", "url": questionnaire_url, "type": "absolute"}],
    }


def _driving_condition(result: TriageResult, level: TriageLevel) -> ConditionResult | None:
    """The condition behind the level: a red flag's, else the first likely one at that level."""
    for flag in result.triage.red_flags:
        if flag.level == level and flag.condition:
            found = result.condition(flag.condition)
            if found is not None:
                return found
    for condition in result.conditions:
        if condition.triage_level == level and condition.likelihood != "low":
            return condition
    return result.conditions[0] if result.conditions else None


def _summary(level: TriageLevel, driver: ConditionResult | None, result: TriageResult) -> str:
    if driver is not None:
        text = f"{_ACTION[level]}: possible {driver.name}"
    elif result.triage.red_flags:
        text = f"{_ACTION[level]}: {result.triage.red_flags[0].message}"
    else:
        text = f"{_ACTION[level]}: no condition matched the runner's report"
    return text if len(text) < SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 2].rstrip() + "…"


def _detail(result: TriageResult) -> str:
    lines = [f"**Triage level: {result.triage.level.value}.** {_escape(result.triage.summary)}", ""]
    if result.triage.red_flags:
        lines.append("**Red flags**")
        lines += [f"- {_escape(flag.message)} (`{flag.level.value}`)" for flag in result.triage.red_flags]
        lines.append("")
    if result.conditions:
        lines.append("**Conditions**")
        for condition in result.conditions[:3]:
            lines.append(f"- **{_escape(condition.name)}**: {condition.likelihood.value} ({condition.score:.2f})")
            lines += [f"    - for: {_escape(item.text)}" for item in condition.supporting[:3]]
            lines += [f"    - against: {_escape(item.text)}" for item in condition.conflicting[:2]]
        lines.append("")
    if result.recommendations:
        lines.append("**Recommendations**")
        lines += [f"- {_escape(item.text)}" for item in result.recommendations[:6]]
        lines.append("")
    if result.questions:
        lines.append("**Worth asking**")
        lines += [f"- {_escape(question.text)}" for question in result.questions[:3]]
        lines.append("")
    lines.append(f"_{_escape(result.disclaimer)}_ Ruleset `{result.ruleset.digest}`.")
    return "\n".join(lines)


def _escape(text: str) -> str:
    """Plugin texts are plain sentences; keep stray Markdown characters literal."""
    for character in ("\\", "*", "_", "`", "[", "]", "<", ">", "|"):
        text = text.replace(character, "\\" + character)
    return text


def _referral(
    condition: ConditionResult, level: TriageLevel, patient_id: str, new_id: Callable[[], str]
) -> dict[str, Any]:
    request: Mapping[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "priority": _PRIORITY[level],
        "subject": {"reference": f"Patient/{patient_id}"},
        "code": {"text": "Referral to sports medicine"},
        "reasonCode": [
            {
                "coding": [
                    {"system": code.system, "code": code.code, "display": code.display} for code in condition.codes
                ],
                "text": condition.name,
            }
        ],
        "note": [{"text": f"Suggested by runner-triage: possible {condition.name} ({level.value})."}],
    }
    resource = ServiceRequest.model_validate(dict(request)).model_dump(mode="json", exclude_none=True)
    return {
        "label": f"Refer to sports medicine: possible {condition.name}",
        "uuid": new_id(),
        "isRecommended": True,
        "actions": [
            {
                "type": "create",
                "description": f"Create {_ARTICLED[_PRIORITY[level]]} referral to sports medicine.",
                "resource": resource,
            }
        ],
    }
