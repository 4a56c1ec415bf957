"""What the engine knows about each report field, read off the marshmallow schema.

Rules are checked against this catalogue at start-up (a rule naming a field the
report does not have, or comparing an enum with a value it can never take, is a
plugin bug), and the follow-up questions take their texts from it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

from triage_core.strict_fields import StrictBoolean


class FieldKind(enum.StrEnum):
    BOOLEAN = "boolean"
    INTEGER = "integer"
    NUMBER = "number"
    CHOICE = "choice"  # one value from a fixed list
    CHOICES = "choices"  # a list of values from a fixed list
    TEXT = "text"  # free text (plugin extension fields only)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One leaf field of the report, addressed by its dotted path (``pain.severity``)."""

    path: str
    kind: FieldKind
    description: str
    question: str
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def is_numeric(self) -> bool:
        return self.kind in (FieldKind.INTEGER, FieldKind.NUMBER)


@dataclass(frozen=True)
class FieldCatalog:
    """Every leaf field of one engine's report schema, core and extensions alike."""

    specs: Mapping[str, FieldSpec]

    def __contains__(self, path: object) -> bool:
        return path in self.specs

    def __getitem__(self, path: str) -> FieldSpec:
        return self.specs[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)

    def get(self, path: str) -> FieldSpec | None:
        return self.specs.get(path)

    @classmethod
    def from_schema(cls, schema: type[Schema]) -> FieldCatalog:
        return cls(dict(_walk(schema(), prefix="")))


def _walk(schema: Schema, prefix: str) -> Iterator[tuple[str, FieldSpec]]:
    for name, field in schema.fields.items():
        path = f"{prefix}{name}"
        if isinstance(field, fields.Nested):
            nested = field.schema
            yield from _walk(nested, prefix=f"{path}.")
        else:
            yield path, field_spec(path, field)


def field_spec(path: str, field: fields.Field[Any]) -> FieldSpec:
    """Describe one marshmallow field; unknown field classes are refused loudly."""
    metadata = field.metadata
    description = str(metadata.get("description", ""))
    question = str(metadata.get("question") or description or path)
    minimum, maximum = _range_of(field)
    if isinstance(field, fields.List):
        return FieldSpec(path, FieldKind.CHOICES, description, question, _options_of(field.inner))
    if isinstance(field, StrictBoolean | fields.Boolean):
        return FieldSpec(path, FieldKind.BOOLEAN, description, question)
    if isinstance(field, fields.Integer):
        return FieldSpec(path, FieldKind.INTEGER, description, question, minimum=minimum, maximum=maximum)
    if isinstance(field, fields.Number):
        return FieldSpec(path, FieldKind.NUMBER, description, question, minimum=minimum, maximum=maximum)
    if isinstance(field, fields.String):
        options = _options_of(field)
        kind = FieldKind.CHOICE if options else FieldKind.TEXT
        return FieldSpec(path, kind, description, question, options)
    raise TypeError(
        f"field {path!r}: {type(field).__name__} is not supported in a report; "
        "use Boolean, Integer, Float, String (optionally with OneOf) or List of String with OneOf"
    )


def _validators(field: fields.Field[Any]) -> list[object]:
    return list(field.validators)


def _options_of(field: fields.Field[Any]) -> tuple[str, ...]:
    for validator in _validators(field):
        if isinstance(validator, validate.OneOf):
            return tuple(str(choice) for choice in validator.choices)
    return ()


def _range_of(field: fields.Field[Any]) -> tuple[float | None, float | None]:
    for validator in _validators(field):
        if isinstance(validator, validate.Range):
            return validator.min, validator.max
    return None, None
