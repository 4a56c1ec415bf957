"""Hypothesis strategies for valid symptom reports, derived from the field catalogue
(so they cover every field, extension fields included, and follow schema changes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from triage_core.field_catalog import FieldCatalog, FieldKind, FieldSpec

LARGE = 10_000


def value_of(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """A valid value of the field, or None (unknown)."""
    minimum = spec.minimum
    maximum = spec.maximum
    if spec.kind is FieldKind.BOOLEAN:
        known: st.SearchStrategy[Any] = st.booleans()
    elif spec.kind is FieldKind.INTEGER:
        known = st.integers(
            int(minimum if minimum is not None else -LARGE), int(maximum if maximum is not None else LARGE)
        )
    elif spec.kind is FieldKind.NUMBER:
        known = st.floats(
            minimum if minimum is not None else -LARGE,
            maximum if maximum is not None else LARGE,
            allow_nan=False,
            allow_infinity=False,
        )
    elif spec.kind is FieldKind.CHOICE:
        known = st.sampled_from(spec.options)
    elif spec.kind is FieldKind.CHOICES:
        known = st.lists(st.sampled_from(spec.options), unique=True, max_size=len(spec.options))
    else:
        known = st.text(max_size=20)
    return st.none() | known


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"pain.severity": 3}`` -> ``{"pain": {"severity": 3}}``."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, leaf = path.split(".")
        node = nested
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return nested


@st.composite
def reports(draw: st.DrawFn, catalog: FieldCatalog, answered: tuple[str, ...] = ("pain.locations",)) -> dict[str, Any]:
    """A valid report in its JSON form: each field left out, null or known (about a
    third each); the ``answered`` fields are always known, so conditions get scored."""
    flat: dict[str, Any] = {}
    for path in sorted(catalog):
        spec = catalog[path]
        if path in answered:
            flat[path] = draw(value_of(spec).filter(lambda value: value is not None and value != []))
        elif draw(st.integers(0, 2)):
            flat[path] = draw(value_of(spec))
    return nest(flat)
