"""marshmallow fields that refuse to guess.

marshmallow's stock ``Boolean`` turns ``"yes"`` and ``1`` into ``True`` and its
``Float`` accepts ``"4.5"``. In a clinical payload a coerced value is a silent guess,
so these fields accept only the JSON type the contract names and say so otherwise.
Every field allows ``null``: in this API ``null`` means *unknown*, never *absent*.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from marshmallow import fields, validate

#: marshmallow's own type for ``default_error_messages``.
ErrorMessages = dict[str, str | list[Any] | dict[Any, Any]]


class StrictBoolean(fields.Boolean):
    """JSON ``true`` or ``false`` only."""

    default_error_messages: ErrorMessages = {"invalid": "Must be true, false or null."}  # noqa: RUF012

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        raise self.make_error("invalid")


class StrictNumber(fields.Float):
    """A JSON number (integer or decimal); strings, booleans, NaN and infinity refused."""

    default_error_messages: ErrorMessages = {"invalid": "Must be a number."}  # noqa: RUF012

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.make_error("special")
        return float(value)


class UniqueList(fields.List[Any]):
    """A list whose repeated items are dropped, keeping first-seen order.

    A repeated item carries no extra meaning (``["calf", "calf"]`` is one calf), so
    dropping it is normalisation, not a guess; order is kept so that echoing the
    report back shows what the client sent.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> list[Any]:
        items = super()._deserialize(value, attr, data, **kwargs)
        return list(dict.fromkeys(items))


def boolean(description: str, question: str) -> StrictBoolean:
    """A tri-state finding: true (present), false (absent) or null (unknown)."""
    return StrictBoolean(allow_none=True, metadata={"description": description, "question": question})


def integer(description: str, question: str, minimum: int, maximum: int | None = None) -> fields.Integer:
    return fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=minimum, max=maximum),
        metadata={"description": description, "question": question},
    )


def number(description: str, question: str, minimum: float, maximum: float | None = None) -> StrictNumber:
    return StrictNumber(
        allow_none=True,
        validate=validate.Range(min=minimum, max=maximum),
        metadata={"description": description, "question": question},
    )


def choice(description: str, question: str, choices: Sequence[str]) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=validate.OneOf(list(choices)),
        metadata={"description": description, "question": question},
    )


def choices(description: str, question: str, options: Sequence[str]) -> UniqueList:
    return UniqueList(
        fields.String(validate=validate.OneOf(list(options))),
        allow_none=True,
        metadata={"description": description, "question": question},
    )
