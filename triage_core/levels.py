"""The fixed vocabularies of the API contract: triage levels, likelihood bands and
recommendation categories.

They live in one module because every other part of the engine, and every plugin,
must agree on them exactly: a level or category outside these lists is refused when
a plugin registers, not discovered later in a result.
"""

from __future__ import annotations

import enum


class TriageLevel(enum.StrEnum):
    """How soon the runner should be seen, least urgent first.

    The names follow the Infermedica five-level scale that EHR integrators know.
    Members compare by urgency, so ``max()`` over levels gives the most urgent one.
    """

    SELF_CARE = "self_care"
    CONSULTATION = "consultation"
    CONSULTATION_24 = "consultation_24"
    EMERGENCY = "emergency"
    EMERGENCY_AMBULANCE = "emergency_ambulance"

    #: 0 for self-care up to 4 for an ambulance. A plain attribute set once below, not
    #: a property: levels are compared on every rule of every report.
    urgency: int

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.urgency < other.urgency

    def __le__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.urgency <= other.urgency

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.urgency > other.urgency

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.urgency >= other.urgency


for _rank, _level in enumerate(TriageLevel):
    _level.urgency = _rank
del _rank, _level


class Likelihood(enum.StrEnum):
    """Score bands a runner and a clinician can read at a glance."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


#: Lower bounds of the likelihood bands. A condition is *likely* (and its triage
#: level applies) from ``MODERATE_FROM`` upwards: escalating on moderate evidence is
#: the safe side, since over-triage only costs a visit.
HIGH_FROM = 0.6
MODERATE_FROM = 0.35


def likelihood_of(score: float) -> Likelihood:
    """Band a 0..1 score."""
    if score >= HIGH_FROM:
        return Likelihood.HIGH
    if score >= MODERATE_FROM:
        return Likelihood.MODERATE
    return Likelihood.LOW


class Category(enum.StrEnum):
    """Recommendation categories, in the order results list them (urgent first)."""

    URGENT_CARE = "urgent_care"
    PROFESSIONAL = "professional"
    ACUTE_RELIEF = "acute_relief"
    REST_RECOVERY = "rest_recovery"
    TRAINING_PLAN = "training_plan"
    STRENGTH = "strength"
    FLEXIBILITY = "flexibility"
    TECHNIQUE = "technique"
    FOOTWEAR = "footwear"
    WARM_UP = "warm_up"
    NUTRITION = "nutrition"

    @property
    def order(self) -> int:
        return _CATEGORY_ORDER[self]


_CATEGORY_ORDER = {category: rank for rank, category in enumerate(Category)}
