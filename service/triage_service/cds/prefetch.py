"""Getting the FHIR data a CDS call needs: from prefetch, or from the FHIR server.

CDS Hooks 2.0 allows four states for each prefetch key, and each means something
different: **missing** (the client did not or could not satisfy it: fetch it from
``fhirServer`` with the bearer token, if one was given), **null** (the client has no
data), a **Bundle** (possibly empty: no data), or an **OperationOutcome** (the client
tried and failed: do not ask again). When the data cannot be had the service answers
412, as the specification requires.
"""

from __future__ import annotations

import enum
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

LOINC_PAIN_SEVERITY = "72514-3"
_TOKEN = re.compile(r"\{\{\s*([A-Za-z.]+)\s*\}\}")


class Availability(enum.StrEnum):
    DATA = "data"
    NONE = "none"  # the client has no such data
    UNAVAILABLE = "unavailable"  # it could not be had


@dataclass(frozen=True)
class Fetched:
    availability: Availability
    resources: list[Mapping[str, Any]] = field(default_factory=list)
    reason: str = ""


@dataclass(frozen=True)
class PrefetchTemplate:
    key: str
    resource_type: str
    template: str

    def query(self, context: Mapping[str, Any]) -> str:
        """The relative FHIR URL, prefetch tokens replaced from the hook context."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).removeprefix("context.")
            return urllib.parse.quote(str(context.get(name, "")), safe="")

        return _TOKEN.sub(replace, self.template)


def templates(questionnaire_url: str) -> tuple[PrefetchTemplate, ...]:
    """The prefetch this service asks for, keyed as in discovery."""
    canonical = urllib.parse.quote(questionnaire_url, safe=":/")
    return (
        PrefetchTemplate(
            "painReport",
            "QuestionnaireResponse",
            "QuestionnaireResponse?patient={{context.patientId}}"
            f"&questionnaire={canonical}&status=completed&_sort=-authored&_count=1",
        ),
        PrefetchTemplate(
            "painSeverity",
            "Observation",
            f"Observation?patient={{{{context.patientId}}}}&code=http://loinc.org|{LOINC_PAIN_SEVERITY}"
            "&_sort=-date&_count=1",
        ),
    )


def resolve(
    template: PrefetchTemplate,
    prefetch: Mapping[str, Any],
    context: Mapping[str, Any],
    fhir_server: str | None,
    authorization: Mapping[str, Any] | None,
    *,
    timeout: float,
) -> Fetched:
    if template.key in prefetch:
        return _read(template, prefetch[template.key], "prefetch")
    if not fhir_server or not authorization:
        return Fetched(Availability.UNAVAILABLE, reason=f"no {template.key!r} prefetch and no FHIR server access")
    url = f"{fhir_server.rstrip('/')}/{template.query(context)}"
    try:
        response = requests.get(
            url,
            headers={"Authorization": f"Bearer {authorization['access_token']}", "Accept": "application/fhir+json"},
            timeout=timeout,
        )
    except requests.RequestException as error:
        return Fetched(Availability.UNAVAILABLE, reason=f"FHIR server unreachable ({type(error).__name__})")
    if response.status_code != 200:
        return Fetched(Availability.UNAVAILABLE, reason=f"FHIR server answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        return Fetched(Availability.UNAVAILABLE, reason="FHIR server answered something other than JSON")
    return _read(template, body, "FHIR server")


def _read(template: PrefetchTemplate, value: object, origin: str) -> Fetched:
    if value is None:
        return Fetched(Availability.NONE)
    if not isinstance(value, Mapping):
        return Fetched(Availability.UNAVAILABLE, reason=f"{origin} {template.key!r} is not a FHIR resource")
    kind = value.get("resourceType")
    if kind == "OperationOutcome":
        return Fetched(Availability.UNAVAILABLE, reason=f"{origin} reported an error: {_diagnostics(value)}")
    if kind == template.resource_type:
        return Fetched(Availability.DATA, [value])
    if kind == "Bundle":
        entries = [entry.get("resource") for entry in value.get("entry") or [] if isinstance(entry, Mapping)]
        resources = [
            item for item in entries if isinstance(item, Mapping) and item.get("resourceType") == template.resource_type
        ]
        if resources:
            return Fetched(Availability.DATA, resources)
        outcomes = [
            item for item in entries if isinstance(item, Mapping) and item.get("resourceType") == "OperationOutcome"
        ]
        if outcomes and any(_is_error(outcome) for outcome in outcomes):
            return Fetched(Availability.UNAVAILABLE, reason=f"{origin} reported an error: {_diagnostics(outcomes[0])}")
        return Fetched(Availability.NONE)
    return Fetched(
        Availability.UNAVAILABLE, reason=f"{origin} {template.key!r} is a {kind}, not a {template.resource_type}"
    )


def _is_error(outcome: Mapping[str, Any]) -> bool:
    return any(issue.get("severity") in ("error", "fatal") for issue in outcome.get("issue") or [])


def _diagnostics(outcome: Mapping[str, Any]) -> str:
    issues = outcome.get("issue") or [{}]
    first = issues[0] if isinstance(issues[0], Mapping) else {}
    return str(first.get("diagnostics") or first.get("code") or "unspecified")


def latest(resources: list[Mapping[str, Any]], *fields: str) -> Mapping[str, Any]:
    """The most recent resource by the first date field it has (ISO strings sort)."""

    def when(resource: Mapping[str, Any]) -> str:
        return next((str(resource[name]) for name in fields if resource.get(name)), "")

    return max(resources, key=when)


def pain_severity(observations: list[Mapping[str, Any]]) -> int | None:
    """The latest 0-10 pain score among LOINC 72514-3 Observations, if any is usable."""
    usable = [obs for obs in observations if _is_pain_severity(obs) and _score(obs) is not None]
    if not usable:
        return None
    return _score(latest(usable, "effectiveDateTime", "issued"))


def _is_pain_severity(observation: Mapping[str, Any]) -> bool:
    codings = (observation.get("code") or {}).get("coding") or []
    return observation.get("status") not in ("entered-in-error", "cancelled") and any(
        coding.get("code") == LOINC_PAIN_SEVERITY for coding in codings
    )


def _score(observation: Mapping[str, Any]) -> int | None:
    value = observation.get("valueInteger")
    if value is None:
        value = (observation.get("valueQuantity") or {}).get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10 or value != int(value):
        return None
    return int(value)
