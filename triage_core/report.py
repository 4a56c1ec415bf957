"""The validated, immutable symptom report the engine evaluates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from marshmallow import Schema, ValidationError

from triage_core.errors import ReportValidationError
from triage_core.field_catalog import FieldCatalog

ROOT_PATH = "$"


@dataclass(frozen=True, slots=True)
class SymptomReport:
    """A report that passed validation.

    ``values`` is the report flattened to field paths (``"pain.severity"``), with
    every field of the schema present and ``None`` for the unknown ones: the form
    compiled rules read. Lists are tuples, and neither mapping can be modified, so a
    plugin can never change the report another plugin sees.
    """

    values: Mapping[str, Any]

    def get(self, path: str) -> Any:
        return self.values.get(path)

    def known(self) -> dict[str, Any]:
        """Only the answered fields, in schema order."""
        return {path: value for path, value in self.values.items() if value is not None}


def load_report(schema: Schema, catalog: FieldCatalog, data: object) -> SymptomReport:
    """Validate a decoded JSON report; raise :class:`ReportValidationError` with
    every problem keyed by its full field path."""
    if not isinstance(data, Mapping):
        raise ReportValidationError({ROOT_PATH: ["The report must be a JSON object."]})
    try:
        loaded = schema.load(data)
    except ValidationError as error:
        raise ReportValidationError(flatten_errors(error.messages)) from None
    values: dict[str, Any] = dict.fromkeys(catalog, None)
    for path, value in flatten(loaded).items():
        # None is unknown, already there (a null section leaves all its fields unknown).
        if value is not None:
            values[path] = tuple(value) if isinstance(value, list) else value
    return SymptomReport(MappingProxyType(values))


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"pain.severity": 3}`` -> ``{"pain": {"severity": 3}}``: flat field paths back to a report."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, leaf = path.split(".")
        node = nested
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return nested


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A report in JSON form -> ``{"pain.severity": 3, ...}`` (the inverse of :func:`nest`)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def flatten_errors(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error dict -> ``{"pain.severity": [...], "pain.locations.0": [...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = (prefix.rstrip(".") or ROOT_PATH) if key == "_schema" else f"{prefix}{key}"
            for sub_path, sub_messages in flatten_errors(value, f"{path}.").items():
                flat.setdefault(sub_path, []).extend(sub_messages)
        return flat
    path = prefix.rstrip(".") or ROOT_PATH
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {path: list(messages)}
    if isinstance(messages, list):
        for item in messages:
            for sub_path, sub_messages in flatten_errors(item, prefix).items():
                flat.setdefault(sub_path, []).extend(sub_messages)
        return flat
    return {path: [str(messages)]}
