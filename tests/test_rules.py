"""The rule vocabulary: every operator, three-valued logic, validation, data form."""

from __future__ import annotations

from typing import Any

import pytest

from triage_core import rules as r
from triage_core.errors import RuleDefinitionError
from triage_core.field_catalog import FieldCatalog
from triage_core.report_schema import build_report_schema
from triage_core.rules import CompileContext, Compiled, Operator, Predicate

CATALOG = FieldCatalog.from_schema(build_report_schema({}))


def compiled(predicate: Predicate, *operators: Operator) -> Compiled:
    by_name = {operator.name: operator for operator in operators}
    return predicate.compile(CompileContext(CATALOG, by_name.get))


def answer(predicate: Predicate, **values: Any) -> bool | None:
    """Evaluate with fields given as keyword arguments (``pain__onset="sudden"``)."""
    return compiled(predicate).check({key.replace("__", "."): value for key, value in values.items()})


class TestLeafOperators:
    def test_equals_is_true_false_or_unknown(self) -> None:
        rule = r.equals("pain.onset", "sudden")
        assert answer(rule, pain__onset="sudden") is True
        assert answer(rule, pain__onset="gradual") is False
        assert answer(rule) is None

    def test_is_true_and_is_false_keep_unknown_unknown(self) -> None:
        assert answer(r.is_true("signs.fever"), signs__fever=True) is True
        assert answer(r.is_true("signs.fever"), signs__fever=False) is False
        assert answer(r.is_true("signs.fever")) is None
        assert answer(r.is_false("signs.fever"), signs__fever=False) is True
        assert answer(r.is_false("signs.fever"), signs__fever=True) is False
        assert answer(r.is_false("signs.fever")) is None

    def test_one_of(self) -> None:
        rule = r.one_of("pain.side", ["left", "right"])
        assert answer(rule, pain__side="left") is True
        assert answer(rule, pain__side="both") is False
        assert answer(rule) is None

    def test_any_of_a_list_field(self) -> None:
        rule = r.any_of("pain.locations", ["calf", "achilles"])
        assert answer(rule, pain__locations=("heel", "calf")) is True
        assert answer(rule, pain__locations=("heel",)) is False
        assert answer(rule, pain__locations=()) is False
        assert answer(rule) is None

    @pytest.mark.parametrize(
        ("predicate", "value", "expected"),
        [
            (r.gt("pain.severity", 5), 6, True),
            (r.gt("pain.severity", 5), 5, False),
            (r.ge("pain.severity", 5), 5, True),
            (r.ge("pain.severity", 5), 4, False),
            (r.lt("pain.severity", 5), 4, True),
            (r.lt("pain.severity", 5), 5, False),
            (r.le("pain.severity", 5), 5, True),
            (r.le("pain.severity", 5), 6, False),
        ],
    )
    def test_numeric_thresholds(self, predicate: Predicate, value: int, expected: bool) -> None:
        assert answer(predicate, pain__severity=value) is expected
        assert answer(predicate) is None

    def test_ratio_above(self) -> None:
        rule = r.ratio_above("training.latest_run_km", "training.longest_run_30_days_km", 1.1)
        assert answer(rule, training__latest_run_km=12, training__longest_run_30_days_km=10) is True
        assert answer(rule, training__latest_run_km=11, training__longest_run_30_days_km=10) is False
        assert answer(rule, training__latest_run_km=5, training__longest_run_30_days_km=0) is True
        assert answer(rule, training__latest_run_km=0, training__longest_run_30_days_km=0) is False
        assert answer(rule, training__latest_run_km=12) is None

    def test_present_is_never_unknown(self) -> None:
        assert answer(r.present("pain.severity"), pain__severity=0) is True
        assert answer(r.present("pain.severity")) is False


T, F, U = True, False, None
KLEENE_AND = [(T, T, T), (T, F, F), (T, U, U), (F, U, F), (U, U, U), (F, F, F)]
KLEENE_OR = [(T, T, T), (T, F, T), (T, U, T), (F, U, U), (U, U, U), (F, F, F)]


class TestCombinators:
    @pytest.mark.parametrize(("left", "right", "expected"), KLEENE_AND)
    def test_all_follows_kleene(self, left: bool | None, right: bool | None, expected: bool | None) -> None:
        rule = r.all_(r.is_true("signs.fever"), r.is_true("signs.swelling"))
        assert answer(rule, signs__fever=left, signs__swelling=right) is expected
        assert answer(rule, signs__fever=right, signs__swelling=left) is expected

    @pytest.mark.parametrize(("left", "right", "expected"), KLEENE_OR)
    def test_any_follows_kleene(self, left: bool | None, right: bool | None, expected: bool | None) -> None:
        rule = r.any_(r.is_true("signs.fever"), r.is_true("signs.swelling"))
        assert answer(rule, signs__fever=left, signs__swelling=right) is expected
        assert answer(rule, signs__fever=right, signs__swelling=left) is expected

    @pytest.mark.parametrize(("value", "expected"), [(T, F), (F, T), (U, U)])
    def test_not_keeps_unknown(self, value: bool | None, expected: bool | None) -> None:
        assert answer(r.not_(r.is_true("signs.fever")), signs__fever=value) is expected

    def test_fields_are_listed_once_in_order(self) -> None:
        rule = r.all_(r.is_true("signs.fever"), r.any_(r.is_true("signs.swelling"), r.is_true("signs.fever")))
        assert compiled(rule).fields == ("signs.fever", "signs.swelling")


class TestWitnessAndExplore:
    def test_witness_names_only_the_fields_that_made_it_true(self) -> None:
        rule = r.any_(r.is_true("signs.fever"), r.is_true("signs.swelling"))
        values = {"signs.fever": False, "signs.swelling": True}
        assert compiled(rule).witness(values) == ("signs.swelling",)

    def test_explore_finds_the_single_answers_that_decide(self) -> None:
        rule = r.all_(
            r.is_true("signs.breathless_or_chest_pain"), r.any_(r.is_true("signs.swelling"), r.is_true("signs.fever"))
        )
        # Swelling already true: only breathlessness can still make it true.
        answer_now, make_true, make_false = compiled(rule).explore({"signs.swelling": True})
        assert answer_now is None
        assert make_true == {"signs.breathless_or_chest_pain"}
        assert make_false == {"signs.breathless_or_chest_pain"}

    def test_explore_two_unknowns_in_one_conjunction_need_two_answers(self) -> None:
        rule = r.all_(r.is_true("signs.fever"), r.is_true("signs.swelling"))
        assert compiled(rule).explore({})[1] == frozenset()
        assert compiled(rule).explore({})[2] == {"signs.fever", "signs.swelling"}

    def test_explore_through_not_swaps_directions(self) -> None:
        rule = r.not_(r.any_(r.is_true("signs.fever"), r.is_true("signs.swelling")))
        _, make_true, make_false = compiled(rule).explore({"signs.swelling": False})
        assert make_true == {"signs.fever"}
        assert make_false == {"signs.fever"}

    def test_explore_of_a_known_answer_is_empty(self) -> None:
        assert compiled(r.is_true("signs.fever")).explore({"signs.fever": True}) == (True, frozenset(), frozenset())


class TestValidation:
    @pytest.mark.parametrize(
        ("predicate", "message"),
        [
            (r.is_true("signs.fevr"), "unknown field 'signs.fevr'"),
            (r.equals("pain.onset", "suden"), "'suden' is not one of gradual, sudden"),
            (r.equals("signs.fever", "yes"), "is not a boolean value"),
            (r.equals("pain.locations", "calf"), "it is a list field"),
            (r.one_of("pain.side", ["left", "middle"]), "'middle' is not one of"),
            (r.any_of("pain.side", ["left"]), "not a list field"),
            (r.any_of("pain.locations", ["elbow"]), "'elbow' not among"),
            (r.gt("pain.onset", 3), "not a numeric field"),
            (r.gt("pain.severity", "3"), "is not a number"),
            (r.ratio_above("pain.onset", "training.latest_run_km", 1.1), "not a numeric field"),
            (r.ratio_above("training.latest_run_km", "training.longest_run_30_days_km", 0), "positive number"),
            (r.all_(), "needs at least one part"),
            (r.operator("no_such_operator"), "unknown operator 'no_such_operator'"),
        ],
    )
    def test_impossible_rules_are_refused_with_the_reason(self, predicate: Predicate, message: str) -> None:
        with pytest.raises(RuleDefinitionError, match=message.replace("(", r"\(")):
            compiled(predicate)


class TestOperators:
    @staticmethod
    def severe_for(values: Any, days: int) -> bool:
        return bool(values["pain.severity"] >= 7 and values["pain.started_days_ago"] >= days)

    def operator(self) -> Operator:
        return Operator(
            "severe_for_days",
            self.severe_for,
            "Severe pain for days.",
            reads=("pain.severity", "pain.started_days_ago"),
        )

    def test_operator_is_called_with_its_parameters(self) -> None:
        rule = compiled(r.operator("severe_for_days", days=3), self.operator())
        assert rule.check({"pain.severity": 8, "pain.started_days_ago": 4}) is True
        assert rule.check({"pain.severity": 8, "pain.started_days_ago": 2}) is False

    def test_operator_is_not_called_while_a_field_it_reads_is_unknown(self) -> None:
        rule = compiled(r.operator("severe_for_days", days=3), self.operator())
        assert rule.check({"pain.severity": 8}) is None
        assert rule.fields == ("pain.severity", "pain.started_days_ago")

    def test_field_parameters_are_checked_and_read(self) -> None:
        def at_least(values: Any, field: str, minimum: float) -> bool:
            return bool(values[field] >= minimum)

        operator = Operator("at_least", at_least, "A field is at least a value.", field_params=("field",))
        rule = compiled(r.operator("at_least", field="pain.severity", minimum=7), operator)
        assert rule.fields == ("pain.severity",)
        assert rule.check({"pain.severity": 7}) is True
        with pytest.raises(RuleDefinitionError, match=r"unknown field 'pain\.nope'"):
            compiled(r.operator("at_least", field="pain.nope", minimum=7), operator)
        with pytest.raises(RuleDefinitionError, match="missing parameter"):
            compiled(r.operator("at_least", minimum=7), operator)


class TestDataForm:
    RULES = (
        r.equals("pain.onset", "sudden"),
        r.one_of("pain.side", ["left", "right"]),
        r.any_of("pain.locations", ["calf"]),
        r.ge("pain.severity", 7),
        r.lt("training.cadence_spm", 170),
        r.present("pain.severity"),
        r.ratio_above("training.latest_run_km", "training.longest_run_30_days_km", 1.1),
        r.all_(r.is_true("signs.fever"), r.not_(r.any_(r.is_true("signs.swelling"), r.is_false("signs.bruising")))),
        r.operator("severe_for_days", days=3),
    )

    @pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.describe())
    def test_round_trip(self, rule: Predicate) -> None:
        assert r.from_data(rule.to_data()) == rule

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"field": "pain.onset"}, "when: give exactly one of"),
            ({"field": "pain.onset", "equals": "sudden", "extra": 1}, "unexpected key"),
            ({"all": []}, r"when\.all: expected a non-empty list"),
            ({"any": [{"field": "x", "present": False}]}, r"when\.any\[0\]\.present: must be true"),
            ({"nope": 1}, "not a rule"),
            ([1], "expected a table/object"),
        ],
    )
    def test_errors_name_the_path_inside_the_rule(self, data: Any, message: str) -> None:
        with pytest.raises(RuleDefinitionError, match=message):
            r.from_data(data)
