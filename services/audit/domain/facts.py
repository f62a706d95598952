"""What the checks that span partitions need to know of one application: little enough to
send between processes for every application of the history.

Structs of strings and integers: a quarter of a million of them travel between processes
for a million events. Moments are integer microseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from .history import DECISIONS, ApplicationEvents
from .intake import IntakeFacts
from .payloads import Allocated, Claimed, Malformed
from .publicity_facts import Publicity
from .records import Coordinates, Heading, LoggedEvent

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Exact, unlike a float timestamp."""
    since = moment - _EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


# A scored claim, as the allocation takes it: ScoredClaim's fields, in its order, as the
# score recorded them (whatever their types: a tampered score is reported, not refused).
Claim = tuple[Any, ...]


# msgspec structs, array-like: one is made for every application of the history, and they
# travel from the shards to `merge` as msgpack arrays (several times cheaper than pickle).
class Decision(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """An award or a refusal as recorded: the figures the allocation must reproduce."""

    event_id: str
    at: Coordinates
    event_type: str
    occurred_at: int  # microseconds
    causation_id: str | None
    amount_yuan: Any  # 0 unless awarded
    rank: Any
    reason_code: Any
    prior_achievement_reward_yuan: Any  # 0 when not recorded
    prior_enterprise_year_yuan: Any
    policy_sha256: Any
    allocation: Any = 1  # which allocation of the round decided it

    @property
    def awarded(self) -> bool:
        return self.event_type == "ApplicationAwarded"

    @classmethod
    def of(cls, event: Heading | LoggedEvent, at: Coordinates, figures: Allocated) -> Decision:
        awarded = event.event_type == "ApplicationAwarded"
        return cls(
            event.event_id,
            at,
            event.event_type,
            micros(event.occurred_at),
            event.causation_id,
            figures.amount_yuan if awarded else 0,
            figures.rank,
            figures.reason_code,
            figures.prior_achievement_reward_yuan,
            figures.prior_enterprise_year_yuan,
            figures.policy_sha256,
            figures.allocation,
        )


class ApplicationFacts(msgspec.Struct, array_like=True, frozen=True, gc=False):
    id: str
    round_id: str | None  # None without a submission
    claim: Claim | None  # from its latest score; None if never scored
    withdrawn_at: int | None  # its earliest withdrawal, in microseconds
    decisions: tuple[Decision, ...]  # its awards and refusals, in stream order
    first_decided_at: int | None  # the earliest of them, in microseconds
    # The claim as filed (its latest filing), kept only when an award paid it: what keys
    # the payment again under another round's achievement rules (limits.py).
    filed: Any = None
    # Its objections, second reviews, withdrawn and final awards; None without any (as
    # nearly every application of a history has).
    publicity: Publicity | None = None
    # What the program's intake rules check of a scored title or claim to lead a
    # standard (intake.py); None for every other application.
    intake: IntakeFacts | None = None

    @property
    def decision(self) -> Decision | None:
        """The latest award or refusal: the one that stands."""
        return self.decisions[-1] if self.decisions else None


def facts_of(trail: ApplicationEvents) -> ApplicationFacts:
    """`trail` in stream order (History.settle_order). Figures that are not readable are
    left out, as verify leaves them (and names them)."""
    claim: Claim | None = None
    withdrawn_at: int | None = None
    decisions: list[Decision] = []
    filed: Any = None
    for event in (*trail.own, *trail.scoring):
        kind = event.event_type
        try:
            if kind in ("ApplicationSubmitted", "ApplicationAmended"):
                filed = event.payload.get("claim")
            elif kind == "ApplicationScored":
                score = msgspec.convert(event.payload, Claimed)
                claim = (
                    trail.id,
                    score.enterprise_credit_code,
                    score.achievement_key,
                    score.claimed_amount_yuan,
                    score.score,
                )
            elif kind in DECISIONS:
                figures = msgspec.convert(event.payload, Allocated)
                decisions.append(Decision.of(event, event.at, figures))
        except Malformed:
            continue
        if kind == "ApplicationWithdrawn":
            moment = micros(event.occurred_at)
            if withdrawn_at is None or moment < withdrawn_at:
                withdrawn_at = moment
    return ApplicationFacts(
        trail.id,
        trail.round_id,
        claim,
        withdrawn_at,
        tuple(decisions),
        min((d.occurred_at for d in decisions), default=None),
        filed if any(d.awarded for d in decisions) else None,
    )
