"""CDS Hooks feedback: what clinicians did with the cards.

Kept in memory for the life of the process for now (durable storage is planned); one
outcome per card counts once however often the client reports it, since the
specification lets a client report the same interaction more than once.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FeedbackStore:
    #: (card uuid, outcome) -> the latest report of it
    outcomes: dict[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, items: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
        """Store feedback items; returns (new, repeated)."""
        new = repeated = 0
        with self.lock:
            for item in items:
                key = (str(item["card"]), str(item["outcome"]))
                if key in self.outcomes:
                    repeated += 1
                else:
                    new += 1
                self.outcomes[key] = item
        return new, repeated

    def summary(self) -> dict[str, Any]:
        with self.lock:
            items = list(self.outcomes.values())
        reasons = Counter(
            _reason_key(item["overrideReason"]["reason"])
            for item in items
            if item["outcome"] == "overridden" and item.get("overrideReason", {}).get("reason")
        )
        return {
            "cards": len({item["card"] for item in items}),
            "outcomes": dict(Counter(item["outcome"] for item in items)),
            "override_reasons": dict(sorted(reasons.items())),
            "accepted_suggestions": sum(len(item.get("acceptedSuggestions", [])) for item in items),
        }


def _reason_key(coding: Mapping[str, Any]) -> str:
    return f"{coding.get('system', '')}|{coding.get('code', '')}"
