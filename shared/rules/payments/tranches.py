"""An award split into the tranches its policy pays it in."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.values import Category
from shared.policy import PaymentTerms, Tranche

ONE_TRANCHE = (Tranche(share_percent=100),)


@dataclass(frozen=True)
class PlannedTranche:
    number: int
    amount_yuan: int
    # None: paid when the award is final; otherwise the milestone it waits for.
    milestone: str | None


def plan(amount_yuan: int, category: Category, terms: PaymentTerms) -> tuple[PlannedTranche, ...]:
    """The award's tranches, adding up to exactly the award.

    Each share is rounded down and the last tranche takes what remains, so no tranche is
    paid ahead of its share. A share that rounds to nothing (a tiny award split in many)
    is left out rather than sent as a zero instruction."""
    tranches = terms.tranches.get(category) or ONE_TRANCHE
    amounts = [amount_yuan * t.share_percent // 100 for t in tranches[:-1]]
    amounts.append(amount_yuan - sum(amounts))
    kept = [(amount, t.milestone) for amount, t in zip(amounts, tranches, strict=True) if amount]
    return tuple(
        PlannedTranche(number, amount, milestone)
        for number, (amount, milestone) in enumerate(kept, start=1)
    )
