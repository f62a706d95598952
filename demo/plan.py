"""The round's applications, each with the review it will get and what follows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .claims import Claims
from .data import REVIEWS, claims
from .firms import FIRMS, Firm


@dataclass(frozen=True)
class Entry:
    firm: Firm
    claim: dict[str, Any]
    decision: str = "eligible"  # the first review: eligible, ineligible or returned
    reason: str | None = None
    note: str = ""
    missing: str | None = None  # a document the first filing left out
    amend: dict[str, Any] | None = None  # the correction of a returned filing, if it comes
    withdraw: str | None = None  # withdrawn, with this reason, once scored

    @property
    def final_claim(self) -> dict[str, Any]:
        return {**self.claim, **(self.amend or {})}

    @property
    def allocated(self) -> bool:
        """Whether the round's allocation will weigh this claim."""
        finally_eligible = self.decision == "eligible" or self.amend is not None
        return finally_eligible and self.withdraw is None


def build(rng: random.Random) -> list[Entry]:
    """About fifty applications from thirty firms, in the order they are filed."""
    return [
        Entry(FIRMS[key], claim, **REVIEWS.get(f"{key}:{claim['category']}", {}))
        for key, claim in claims(Claims(rng))
    ]
