"""What the checks that span partitions need to know of one application: little enough to
send between processes for every application of the history."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from services.scoring.domain.allocation import ScoredClaim

from .history import DECISIONS, ApplicationEvents
from .records import Coordinates, LoggedEvent


class Decision(NamedTuple):
    """An award or a refusal as recorded: the figures the allocation must reproduce."""

    event_id: str
    at: Coordinates
    event_type: str
    occurred_at: datetime
    causation_id: str | None
    amount_yuan: int  # 0 unless awarded
    rank: int | None
    reason_code: str | None
    prior_achievement_reward_yuan: int  # 0 when not recorded
    prior_enterprise_year_yuan: int
    policy_sha256: str | None

    @property
    def awarded(self) -> bool:
        return self.event_type == "ApplicationAwarded"

    @classmethod
    def of(cls, event: LoggedEvent) -> Decision:
        payload = event.payload
        awarded = event.event_type == "ApplicationAwarded"
        return cls(
            event.event_id,
            event.at,
            event.event_type,
            event.occurred_at,
            event.causation_id,
            payload.get("amount_yuan", 0) if awarded else 0,
            payload.get("rank"),
            payload.get("reason_code"),
            payload.get("prior_achievement_reward_yuan", 0),
            payload.get("prior_enterprise_year_yuan", 0),
            payload.get("policy_sha256"),
        )


class ApplicationFacts(NamedTuple):
    id: str
    round_id: str | None  # None without a submission
    claim: ScoredClaim | None  # from its latest score; None if never scored
    withdrawn_at: datetime | None  # its earliest withdrawal
    decisions: tuple[Decision, ...]  # its awards and refusals, in stream order

    @property
    def decision(self) -> Decision | None:
        """The latest award or refusal: the one that stands."""
        return self.decisions[-1] if self.decisions else None

    @property
    def first_decided_at(self) -> datetime | None:
        return min((d.occurred_at for d in self.decisions), default=None)


def facts_of(trail: ApplicationEvents) -> ApplicationFacts:
    """`trail` in stream order (History.settle_order)."""
    claim: ScoredClaim | None = None
    withdrawn_at: datetime | None = None
    decisions: list[Decision] = []
    for event in (*trail.own, *trail.scoring):
        kind = event.event_type
        if kind == "ApplicationScored":
            payload = event.payload
            claim = ScoredClaim(
                application_id=trail.id,
                credit_code=payload["enterprise_credit_code"],
                achievement_key=payload["achievement_key"],
                claimed_amount_yuan=payload["claimed_amount_yuan"],
                score=payload["score"],
            )
        elif kind == "ApplicationWithdrawn":
            if withdrawn_at is None or event.occurred_at < withdrawn_at:
                withdrawn_at = event.occurred_at
        elif kind in DECISIONS:
            decisions.append(Decision.of(event))
    return ApplicationFacts(trail.id, trail.round_id, claim, withdrawn_at, tuple(decisions))
