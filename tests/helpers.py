"""Helpers shared by the test modules (importable as ``helpers``: tests/ is on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TESTS = Path(__file__).parent
BUILTIN_PLUGINS = frozenset({"shin_splints", "achilles", "tendinitis", "soreness", "safety"})


def load_cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((TESTS / "cases" / name).read_text())
    return cases
