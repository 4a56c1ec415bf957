"""What a plugin declares: conditions as data.

A condition is a list of weighted findings plus what to do about them. Nothing here
runs any clinical logic; the engine reads these declarations, checks them against
the report schema at start-up and compiles them (see :mod:`triage_core.ruleset`).
Plugin authors build these objects in Python or write the same fields in a rule file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage_core.levels import Category, TriageLevel
from triage_core.rules import Predicate

SNOMED_CT = "http://snomed.info/sct"


@dataclass(frozen=True)
class Evidence:
    """A weighted finding. A positive ``weight`` supports the condition when the
    finding holds; a negative one counts against it. ``text`` tells the runner why
    the finding matters ("Pain over a long stretch of the inner shin is typical")."""

    id: str
    when: Predicate
    weight: float
    text: str


@dataclass(frozen=True)
class RiskFactor:
    """Something about the runner that raises the risk of this condition. It does
    not change the score (add an :class:`Evidence` for that); it is listed so advice
    can answer it, and ``modifiable`` says whether the runner can change it."""

    id: str
    when: Predicate
    text: str
    modifiable: bool


@dataclass(frozen=True)
class RedFlag:
    """A finding that sets a minimum triage level whatever the scores say.

    Red flags are checked on every report, even when their condition scores low:
    they are how the service never misses a fracture, rupture, compartment syndrome
    or clot. Declared inside a condition, ``condition`` is filled in for you.
    """

    id: str
    level: TriageLevel | str
    when: Predicate
    message: str
    condition: str | None = None


@dataclass(frozen=True)
class Escalation:
    """Raise the condition's own triage level when it is likely *and* this holds
    (persistent symptoms, say). Unlike a red flag it is ignored while the condition
    is unlikely."""

    id: str
    level: TriageLevel | str
    when: Predicate
    message: str


@dataclass(frozen=True)
class Recommendation:
    """Advice in one of the fixed categories.

    ``because`` names the findings it answers: ids of this condition's evidence or
    risk factors. It is given when any of them holds; with no ``because`` it is
    given whenever the condition is listed.
    """

    id: str
    category: Category | str
    text: str
    because: Sequence[str] = ()


@dataclass(frozen=True)
class Code:
    """A coding of the condition in a terminology (SNOMED CT for the built-ins)."""

    system: str
    code: str
    display: str

    @classmethod
    def snomed(cls, code: str, display: str) -> Code:
        return cls(SNOMED_CT, code, display)


@dataclass(frozen=True)
class Condition:
    """A condition a plugin contributes.

    ``requires`` is the gate: while it is false the condition is not considered at
    all (Achilles tendinitis needs pain at the Achilles), while it is unknown the
    condition waits for the answer (and asks for it). Scoring, explanation,
    follow-up questions and the triage level are all derived from these fields.
    """

    id: str
    name: str
    triage_level: TriageLevel | str
    evidence: Sequence[Evidence]
    requires: Predicate | None = None
    risk_factors: Sequence[RiskFactor] = ()
    red_flags: Sequence[RedFlag] = ()
    escalations: Sequence[Escalation] = ()
    recommendations: Sequence[Recommendation] = ()
    codes: Sequence[Code] = ()
    references: Sequence[str] = ()
    description: str = ""
