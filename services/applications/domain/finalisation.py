"""The final decision on a round's awards: only after the publicity period, with no
objection or its consequences still open. No I/O here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.contracts.publicity import FinalAward, RoundFinalised

from .errors import NotAllowedNow
from .rounds import FundingRound


@dataclass(frozen=True)
class RoundStanding:
    """What finalisation must know of a round's applications."""

    open_objections: int
    awaiting_review: int
    awaiting_reallocation: int


def finalise(
    round_: FundingRound,
    standing: RoundStanding,
    awards: Iterable[FinalAward],
    now: datetime,
) -> RoundFinalised:
    """Awards become final only after the period, with no objection or its consequences
    still open."""
    if round_.finalised_at is not None:
        raise NotAllowedNow("round_id", "already_final", f"round {round_.id} is already final")
    if round_.publicity_ends_at is None:
        raise NotAllowedNow(
            "round_id",
            "publicity_not_open",
            f"round {round_.id} has not been allocated and published yet",
        )
    if now < round_.publicity_ends_at:
        raise NotAllowedNow(
            "round_id",
            "publicity_running",
            f"the publicity period runs until {round_.publicity_ends_at.isoformat()}",
        )
    waiting = {
        "objections_open": (standing.open_objections, "objection(s) not yet decided"),
        "review_pending": (
            standing.awaiting_review,
            "application(s) sent back to review by an upheld objection and not yet reviewed",
        ),
        "reallocation_pending": (
            standing.awaiting_reallocation,
            "application(s) found ineligible whose re-allocation has not been published yet",
        ),
    }
    for rule, (count, what) in waiting.items():
        if count:
            raise NotAllowedNow("round_id", rule, f"{count} {what}")
    final = sorted(awards, key=lambda award: award.application_id)
    return RoundFinalised(
        round_id=round_.id,
        list_revision=round_.list_revision,
        awards=final,
        total_yuan=sum(award.amount_yuan for award in final),
    )
