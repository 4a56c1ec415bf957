"""Helpers shared by the test modules (importable as ``helpers``: tests/ is on sys.path)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from triage_core import Condition, Operator, RedFlag, hookimpl

TESTS = Path(__file__).parent
BUILTIN_PLUGINS = frozenset({"shin_splints", "achilles", "tendinitis", "soreness", "safety"})


def load_cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((TESTS / "cases" / name).read_text())
    return cases


class ConditionsPlugin:
    """A plugin built in a test: registers the given conditions, red flags and operators."""

    """A plugin built in the test: registers the given conditions, red flags, operators."""

    def __init__(
        self,
        *conditions: Condition,
        red_flags: Sequence[RedFlag] = (),
        operators: Sequence[Operator] = (),
        name: str = "test_plugin",
    ) -> None:
        self.__name__ = name
        self._conditions, self._red_flags, self._operators = conditions, red_flags, operators

    @hookimpl
    def triage_register_conditions(self, register: Callable[[Condition], None]) -> None:
        for condition in self._conditions:
            register(condition)

    @hookimpl
    def triage_register_red_flags(self, register: Callable[[RedFlag], None]) -> None:
        for flag in self._red_flags:
            register(flag)

    @hookimpl
    def triage_register_operators(self, register: Callable[[Operator], None]) -> None:
        for operator in self._operators:
            register(operator)
