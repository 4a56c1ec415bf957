"""The rule vocabulary: predicates over report fields, with three-valued logic.

A predicate answers ``True`` (the finding is present), ``False`` (absent) or
``None`` (unknown: a field it needs was not given). Unknown never counts as absent,
so a report that leaves a question open gets a follow-up question instead of a guess.
Combinators follow Kleene's logic: ``all_`` is false as soon as one part is false,
``any_`` true as soon as one part is true, and otherwise unknown wins over the rest.

Predicates are plain data (see :meth:`Predicate.to_data`): the same rule can be
written in Python or in a rule file, hashed into the ruleset digest and shown to a
clinician. :meth:`Predicate.compile` turns one into a closure once, at start-up,
after checking it against the report's field catalogue.
"""

from __future__ import annotations

import abc
import operator as _operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from triage_core.errors import RuleDefinitionError
from triage_core.field_catalog import FieldCatalog, FieldKind, FieldSpec

#: The flattened report a compiled predicate reads: field path -> value, ``None``
#: (or a missing key) meaning unknown.
FieldValues = Mapping[str, Any]
Check = Callable[[FieldValues], bool | None]
Scalar = bool | int | float | str


NO_FIELDS: frozenset[str] = frozenset()

#: ``explore(values) -> (answer, make_true, make_false)``: the current answer and,
#: while it is unknown, the unknown fields that answered *on their own* (everything
#: else unchanged) could make the predicate true, or false. This is how the engine
#: knows which single question could fire a red flag, without trying every value.
Explore = Callable[[FieldValues], tuple[bool | None, frozenset[str], frozenset[str]]]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A predicate ready to run: its check, the fields it reads (in order), which
    fields made it true (``witness``) and which could still decide it (``explore``)."""

    check: Check
    fields: tuple[str, ...]
    witness: Callable[[FieldValues], tuple[str, ...]]
    explore: Explore
    operators: frozenset[str] = frozenset()
    #: For a one-field leaf, what ``explore`` answers while it is unknown: combinators
    #: use it directly instead of calling ``explore`` (the hot path of the questions).
    unknown_explored: tuple[None, frozenset[str], frozenset[str]] | None = None


@dataclass(frozen=True)
class CompileContext:
    catalog: FieldCatalog
    #: Where ``operator(...)`` predicates find the operators plugins registered.
    operators: Callable[[str], Operator | None]


class Predicate(abc.ABC):
    """A finding over report fields. Build them with the functions below."""

    @abc.abstractmethod
    def to_data(self) -> dict[str, Any]:
        """The canonical plain-data form (the rule-file syntax)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """A short human-readable form, shown in ``/v1/conditions``."""

    @abc.abstractmethod
    def compile(self, context: CompileContext) -> Compiled:
        """Check the predicate against the catalogue and build its closure."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


# --------------------------------------------------------------------------- fields


def _spec(context: CompileContext, path: str) -> FieldSpec:
    spec = context.catalog.get(path)
    if spec is None:
        raise RuleDefinitionError(f"unknown field {path!r}: the report schema has no such field")
    return spec


def _check_scalar(spec: FieldSpec, value: object, operator_name: str) -> None:
    """Refuse a comparison that can never be true, such as ``onset == "suden"``."""
    kind = spec.kind
    if kind is FieldKind.BOOLEAN:
        ok = isinstance(value, bool)
    elif kind in (FieldKind.INTEGER, FieldKind.NUMBER):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind is FieldKind.CHOICE:
        ok = isinstance(value, str) and value in spec.options
    elif kind is FieldKind.TEXT:
        ok = isinstance(value, str)
    else:
        raise RuleDefinitionError(f"{operator_name} on {spec.path!r}: it is a list field; use any_of to test its items")
    if not ok:
        expected = f"one of {', '.join(spec.options)}" if spec.options else f"a {kind.value} value"
        raise RuleDefinitionError(f"{operator_name} on {spec.path!r}: {value!r} is not {expected}")


def _leaf(
    check: Check, paths: tuple[str, ...], *, can_be_false: bool = True, operators: frozenset[str] = NO_FIELDS
) -> Compiled:
    """A predicate over its own fields only: true/false is in the hands of its one
    unknown field; with two unknown fields no single answer decides it."""

    def witness(values: FieldValues) -> tuple[str, ...]:
        return paths if check(values) else ()

    if len(paths) == 1:
        # The common case: unknown means this one field is unknown, and it decides.
        deciders = frozenset(paths)
        unknown: tuple[None, frozenset[str], frozenset[str]] = (None, deciders, deciders if can_be_false else NO_FIELDS)

        def explore_one(values: FieldValues) -> tuple[bool | None, frozenset[str], frozenset[str]]:
            answer = check(values)
            return unknown if answer is None else (answer, NO_FIELDS, NO_FIELDS)

        return Compiled(check, paths, witness, explore_one, operators, unknown)

    def explore(values: FieldValues) -> tuple[bool | None, frozenset[str], frozenset[str]]:
        answer = check(values)
        if answer is not None:
            return answer, NO_FIELDS, NO_FIELDS
        missing = frozenset(path for path in paths if values.get(path) is None)
        if len(missing) != 1:
            return None, NO_FIELDS, NO_FIELDS
        return None, missing, missing if can_be_false else NO_FIELDS

    return Compiled(check, paths, witness, explore, operators)


@dataclass(frozen=True, repr=False)
class Equals(Predicate):
    field: str
    value: Scalar

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, "equals": self.value}

    def describe(self) -> str:
        if self.value is True:
            return f"{self.field} is true"
        if self.value is False:
            return f"{self.field} is false"
        return f"{self.field} is {self.value}"

    def compile(self, context: CompileContext) -> Compiled:
        spec = _spec(context, self.field)
        _check_scalar(spec, self.value, "equals")
        path, expected = self.field, self.value
        if expected is True:

            def check(values: FieldValues) -> bool | None:
                # A boolean field already holds the three-valued answer.
                answer: bool | None = values.get(path)
                return answer

        else:

            def check(values: FieldValues) -> bool | None:
                value = values.get(path)
                if value is None:
                    return None
                return bool(value == expected)

        return _leaf(check, (path,))


@dataclass(frozen=True, repr=False)
class OneOf(Predicate):
    field: str
    values: tuple[Scalar, ...]

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, "one_of": list(self.values)}

    def describe(self) -> str:
        return f"{self.field} is one of {', '.join(map(str, self.values))}"

    def compile(self, context: CompileContext) -> Compiled:
        spec = _spec(context, self.field)
        if not self.values:
            raise RuleDefinitionError(f"one_of on {self.field!r}: needs at least one value")
        for value in self.values:
            _check_scalar(spec, value, "one_of")
        path, allowed = self.field, frozenset(self.values)

        def check(values: FieldValues) -> bool | None:
            value = values.get(path)
            if value is None:
                return None
            return value in allowed

        return _leaf(check, (path,))


@dataclass(frozen=True, repr=False)
class AnyOf(Predicate):
    """A list field (``pain.locations``) holds at least one of the values."""

    field: str
    values: tuple[str, ...]

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, "any_of": list(self.values)}

    def describe(self) -> str:
        return f"{self.field} includes any of {', '.join(self.values)}"

    def compile(self, context: CompileContext) -> Compiled:
        spec = _spec(context, self.field)
        if spec.kind is not FieldKind.CHOICES:
            raise RuleDefinitionError(f"any_of on {self.field!r}: it is not a list field; use one_of")
        if not self.values:
            raise RuleDefinitionError(f"any_of on {self.field!r}: needs at least one value")
        unknown = [value for value in self.values if value not in spec.options]
        if unknown:
            raise RuleDefinitionError(
                f"any_of on {self.field!r}: {', '.join(map(repr, unknown))} not among {', '.join(spec.options)}"
            )
        path, wanted = self.field, frozenset(self.values)

        def check(values: FieldValues) -> bool | None:
            items = values.get(path)
            if items is None:
                return None
            return not wanted.isdisjoint(items)

        return _leaf(check, (path,))


_COMPARATORS: Mapping[str, tuple[Callable[[Any, Any], bool], str]] = {
    "gt": (_operator.gt, ">"),
    "ge": (_operator.ge, "≥"),
    "lt": (_operator.lt, "<"),
    "le": (_operator.le, "≤"),
}


@dataclass(frozen=True, repr=False)
class Compare(Predicate):
    """A numeric threshold: ``gt``, ``ge``, ``lt`` or ``le``."""

    field: str
    op: str
    threshold: float

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, self.op: self.threshold}

    def describe(self) -> str:
        return f"{self.field} {_COMPARATORS[self.op][1]} {_number(self.threshold)}"

    def compile(self, context: CompileContext) -> Compiled:
        spec = _spec(context, self.field)
        if self.op not in _COMPARATORS:
            raise RuleDefinitionError(f"unknown comparison {self.op!r}; use gt, ge, lt or le")
        if not spec.is_numeric:
            raise RuleDefinitionError(f"{self.op} on {self.field!r}: it is not a numeric field")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int | float):
            raise RuleDefinitionError(f"{self.op} on {self.field!r}: threshold {self.threshold!r} is not a number")
        compare, _ = _COMPARATORS[self.op]
        path, threshold = self.field, self.threshold

        def check(values: FieldValues) -> bool | None:
            value = values.get(path)
            if value is None:
                return None
            return compare(value, threshold)

        return _leaf(check, (path,))


@dataclass(frozen=True, repr=False)
class RatioAbove(Predicate):
    """``numerator / denominator > ratio``: a threshold relative to another field
    (a run more than 10 % longer than the longest recent run, say)."""

    numerator: str
    denominator: str
    ratio: float

    def to_data(self) -> dict[str, Any]:
        return {"ratio_above": self.ratio, "numerator": self.numerator, "denominator": self.denominator}

    def describe(self) -> str:
        return f"{self.numerator} > {_number(self.ratio)} × {self.denominator}"

    def compile(self, context: CompileContext) -> Compiled:
        for path in (self.numerator, self.denominator):
            if not _spec(context, path).is_numeric:
                raise RuleDefinitionError(f"ratio_above on {path!r}: it is not a numeric field")
        if isinstance(self.ratio, bool) or not isinstance(self.ratio, int | float) or self.ratio <= 0:
            raise RuleDefinitionError(f"ratio_above: ratio {self.ratio!r} must be a positive number")
        top, bottom, ratio = self.numerator, self.denominator, self.ratio

        def check(values: FieldValues) -> bool | None:
            numerator = values.get(top)
            denominator = values.get(bottom)
            if numerator is None or denominator is None:
                return None
            if denominator <= 0:
                return bool(numerator > 0)
            return bool(numerator > ratio * denominator)

        return _leaf(check, (top, bottom))


@dataclass(frozen=True, repr=False)
class Present(Predicate):
    """The field was answered. Never unknown: that is what it tests."""

    field: str

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, "present": True}

    def describe(self) -> str:
        return f"{self.field} is answered"

    def compile(self, context: CompileContext) -> Compiled:
        _spec(context, self.field)
        path = self.field

        def check(values: FieldValues) -> bool | None:
            return values.get(path) is not None

        return _leaf(check, (path,), can_be_false=False)


# ---------------------------------------------------------------------- combinators


def _unique_fields(parts: Iterable[Compiled]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(path for part in parts for path in part.fields))


@dataclass(frozen=True, repr=False)
class _Junction(Predicate):
    """``all`` and ``any`` are duals: each has an answer that decides it on its own
    (one false part makes ``all`` false, one true part makes ``any`` true)."""

    parts: tuple[Predicate, ...]
    KEY: ClassVar[str]
    DECIDING: ClassVar[bool]

    def to_data(self) -> dict[str, Any]:
        return {self.KEY: [part.to_data() for part in self.parts]}

    def describe(self) -> str:
        return f"{self.KEY} of (" + "; ".join(part.describe() for part in self.parts) + ")"

    def compile(self, context: CompileContext) -> Compiled:
        if not self.parts:
            raise RuleDefinitionError(f"{self.KEY}: needs at least one part")
        compiled = tuple(part.compile(context) for part in self.parts)
        checks = tuple(part.check for part in compiled)
        deciding, otherwise = self.DECIDING, not self.DECIDING

        def check(values: FieldValues) -> bool | None:
            unknown = False
            for part in checks:
                answer = part(values)
                if answer is deciding:
                    return deciding
                if answer is None:
                    unknown = True
            return None if unknown else otherwise

        def witness(values: FieldValues) -> tuple[str, ...]:
            return tuple(
                dict.fromkeys(path for part in compiled if part.check(values) for path in part.witness(values))
            )

        explorers = tuple((part.check, part.unknown_explored, part.explore) for part in compiled)

        def explore(values: FieldValues) -> tuple[bool | None, frozenset[str], frozenset[str]]:
            to_deciding: list[frozenset[str]] = []
            to_otherwise: list[frozenset[str]] = []
            for part_check, unknown_explored, part_explore in explorers:
                if unknown_explored is None:
                    answer, make_true, make_false = part_explore(values)
                else:  # a one-field leaf: its check says it all
                    answer = part_check(values)
                    if answer is not None and answer is not deciding:
                        continue
                    _, make_true, make_false = unknown_explored
                if answer is deciding:
                    return deciding, NO_FIELDS, NO_FIELDS
                if answer is None:
                    to_deciding.append(make_true if deciding else make_false)
                    to_otherwise.append(make_false if deciding else make_true)
            if not to_deciding:
                return otherwise, NO_FIELDS, NO_FIELDS
            # One open part turning decides it; the other answer needs every open part to turn.
            decided_by = frozenset().union(*to_deciding)
            settled_by = frozenset.intersection(*to_otherwise)
            return (None, decided_by, settled_by) if deciding else (None, settled_by, decided_by)

        return Compiled(check, _unique_fields(compiled), witness, explore, _operators_of(compiled))


class All(_Junction):
    """Every part holds (Kleene conjunction)."""

    KEY = "all"
    DECIDING = False


class Either(_Junction):
    """At least one part holds (Kleene disjunction)."""

    KEY = "any"
    DECIDING = True


@dataclass(frozen=True, repr=False)
class Not(Predicate):
    part: Predicate

    def to_data(self) -> dict[str, Any]:
        return {"not": self.part.to_data()}

    def describe(self) -> str:
        return f"not ({self.part.describe()})"

    def compile(self, context: CompileContext) -> Compiled:
        inner = self.part.compile(context)
        inner_check = inner.check

        def check(values: FieldValues) -> bool | None:
            answer = inner_check(values)
            return None if answer is None else not answer

        def witness(values: FieldValues) -> tuple[str, ...]:
            return inner.fields if check(values) else ()

        def explore(values: FieldValues) -> tuple[bool | None, frozenset[str], frozenset[str]]:
            answer, make_true, make_false = inner.explore(values)
            return (None if answer is None else not answer), make_false, make_true

        return Compiled(check, inner.fields, witness, explore, inner.operators)


def _operators_of(parts: Iterable[Compiled]) -> frozenset[str]:
    return frozenset(name for part in parts for name in part.operators)


# ------------------------------------------------------------------ custom operators


@dataclass(frozen=True)
class Operator:
    """A named predicate a plugin contributes, usable in any plugin's rules.

    ``function(values, **params)`` returns ``True``, ``False`` or ``None``. It is only
    called when every field it reads is known; otherwise the answer is unknown, so an
    operator never has to handle missing data itself. The fields it reads are
    ``reads`` plus the values of the parameters named in ``field_params`` (for an
    operator that takes a field path as an argument).
    """

    name: str
    function: Callable[..., bool | None]
    description: str
    reads: Sequence[str] = ()
    field_params: Sequence[str] = ()
    plugin: str | None = field(default=None, compare=False)


class OperatorFailedError(Exception):
    """A custom operator raised while evaluating a report."""

    def __init__(self, operator: Operator, error: BaseException) -> None:
        super().__init__(f"operator {operator.name!r} raised {type(error).__name__}")
        self.operator = operator
        self.error = error


@dataclass(frozen=True, repr=False)
class UseOperator(Predicate):
    name: str
    params: tuple[tuple[str, Any], ...] = ()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"operator": self.name}
        if self.params:
            data["params"] = dict(self.params)
        return data

    def describe(self) -> str:
        if not self.params:
            return self.name
        return f"{self.name}({', '.join(f'{key}={value!r}' for key, value in self.params)})"

    def compile(self, context: CompileContext) -> Compiled:
        found = context.operators(self.name)
        if found is None:
            raise RuleDefinitionError(f"unknown operator {self.name!r}: no loaded plugin registers it")
        params = dict(self.params)
        missing = [name for name in found.field_params if name not in params]
        if missing:
            raise RuleDefinitionError(f"operator {self.name!r}: missing parameter(s) {', '.join(missing)}")
        paths = tuple(dict.fromkeys([*found.reads, *(str(params[name]) for name in found.field_params)]))
        for path in paths:
            _spec(context, path)
        function = found.function

        def check(values: FieldValues) -> bool | None:
            for path in paths:
                if values.get(path) is None:
                    return None
            try:
                answer = function(values, **params)
            except Exception as error:
                raise OperatorFailedError(found, error) from error
            return None if answer is None else bool(answer)

        return _leaf(check, paths, operators=frozenset({self.name}))


# ------------------------------------------------------------------ the public DSL


def equals(path: str, value: Scalar) -> Predicate:
    """The field has exactly this value (``equals("pain.onset", "sudden")``)."""
    return Equals(path, value)


def is_true(path: str) -> Predicate:
    """A yes/no finding is present."""
    return Equals(path, True)


def is_false(path: str) -> Predicate:
    """A yes/no finding is explicitly absent (unknown stays unknown)."""
    return Equals(path, False)


def one_of(path: str, values: Iterable[Scalar]) -> Predicate:
    """A single-valued field holds one of these values."""
    return OneOf(path, tuple(values))


def any_of(path: str, values: Iterable[str]) -> Predicate:
    """A list field holds at least one of these values."""
    return AnyOf(path, tuple(values))


def gt(path: str, threshold: float) -> Predicate:
    return Compare(path, "gt", threshold)


def ge(path: str, threshold: float) -> Predicate:
    return Compare(path, "ge", threshold)


def lt(path: str, threshold: float) -> Predicate:
    return Compare(path, "lt", threshold)


def le(path: str, threshold: float) -> Predicate:
    return Compare(path, "le", threshold)


def ratio_above(numerator: str, denominator: str, ratio: float) -> Predicate:
    return RatioAbove(numerator, denominator, ratio)


def present(path: str) -> Predicate:
    return Present(path)


def all_(*parts: Predicate) -> Predicate:
    """Every part holds (Kleene conjunction)."""
    return All(tuple(parts))


def any_(*parts: Predicate) -> Predicate:
    """At least one part holds (Kleene disjunction)."""
    return Either(tuple(parts))


def not_(part: Predicate) -> Predicate:
    return Not(part)


def operator(name: str, **params: Any) -> Predicate:
    """Use an operator a plugin registered (``operator("days_since_at_least", days=42)``)."""
    return UseOperator(name, tuple(sorted(params.items())))


# -------------------------------------------------------------- plain-data parsing

_LEAF_KEYS = ("equals", "one_of", "any_of", "gt", "ge", "lt", "le", "present")


def from_data(data: object, where: str = "when") -> Predicate:
    """Parse the plain-data form (as in rule files). Errors name the path inside it."""
    if isinstance(data, Predicate):
        return data
    if not isinstance(data, Mapping):
        raise RuleDefinitionError(f"{where}: expected a table/object, got {type(data).__name__}")
    keys = set(data)
    if "all" in keys or "any" in keys:
        key = "all" if "all" in keys else "any"
        _only(data, {key}, where)
        parts = data[key]
        if not isinstance(parts, list) or not parts:
            raise RuleDefinitionError(f"{where}.{key}: expected a non-empty list")
        parsed = tuple(from_data(part, f"{where}.{key}[{index}]") for index, part in enumerate(parts))
        return All(parsed) if key == "all" else Either(parsed)
    if "not" in keys:
        _only(data, {"not"}, where)
        return Not(from_data(data["not"], f"{where}.not"))
    if "operator" in keys:
        _only(data, {"operator", "params"}, where)
        params = data.get("params", {})
        if not isinstance(params, Mapping):
            raise RuleDefinitionError(f"{where}.params: expected a table/object")
        return operator(str(data["operator"]), **params)
    if "ratio_above" in keys:
        _only(data, {"ratio_above", "numerator", "denominator"}, where)
        return RatioAbove(str(data["numerator"]), str(data["denominator"]), data["ratio_above"])
    if "field" in keys:
        leaf = [key for key in _LEAF_KEYS if key in keys]
        if len(leaf) != 1:
            raise RuleDefinitionError(f"{where}: give exactly one of {', '.join(_LEAF_KEYS)} with 'field'")
        _only(data, {"field", leaf[0]}, where)
        return _parse_leaf(str(data["field"]), leaf[0], data[leaf[0]], where)
    raise RuleDefinitionError(
        f"{where}: not a rule; expected 'field', 'all', 'any', 'not', 'operator' or 'ratio_above'"
    )


def _parse_leaf(path: str, key: str, value: Any, where: str) -> Predicate:
    if key == "equals":
        return Equals(path, value)
    if key in ("one_of", "any_of"):
        if not isinstance(value, list):
            raise RuleDefinitionError(f"{where}.{key}: expected a list")
        return OneOf(path, tuple(value)) if key == "one_of" else AnyOf(path, tuple(value))
    if key == "present":
        if value is not True:
            raise RuleDefinitionError(f"{where}.present: must be true (use 'not' for absence)")
        return Present(path)
    return Compare(path, key, value)


def _only(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise RuleDefinitionError(f"{where}: unexpected key(s) {', '.join(map(repr, extra))}")


def _number(value: float) -> str:
    return f"{value:g}"
