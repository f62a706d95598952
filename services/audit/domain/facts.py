"""What the checks that span partitions need to know of one application: little enough to
send between processes for every application of the history.

Tuples of strings and integers only: they are pickled a quarter of a million times for a
million events. Moments are integer microseconds, and strings that repeat (a round's id,
its closing's id, the policy's hash) are interned, so pickle sends each of them once.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from .history import DECISIONS, ApplicationEvents
from .records import Coordinates, LoggedEvent

_EPOCH, _MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """Exact, unlike a float timestamp."""
    return (moment - _EPOCH) // _MICROSECOND


def interned(value: str | None) -> str | None:
    return sys.intern(value) if isinstance(value, str) else value


# A scored claim, as the allocation takes it: ScoredClaim's fields, in its order. A plain
# tuple, so that it travels between processes at the cost of its strings.
Claim = tuple[str, str, str, int, int]


_new = tuple.__new__  # builds a NamedTuple from a tuple without its Python-level __new__


class Decision(NamedTuple):
    """An award or a refusal as recorded: the figures the allocation must reproduce."""

    event_id: str
    at: Coordinates
    event_type: str
    occurred_at: int  # microseconds
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
        return _new(
            cls,
            (
                event.event_id,
                event.at,
                sys.intern(event.event_type),
                micros(event.occurred_at),
                interned(event.causation_id),
                payload.get("amount_yuan", 0) if awarded else 0,
                payload.get("rank"),
                interned(payload.get("reason_code")),
                payload.get("prior_achievement_reward_yuan", 0),
                payload.get("prior_enterprise_year_yuan", 0),
                interned(payload.get("policy_sha256")),
            ),
        )


class ApplicationFacts(NamedTuple):
    id: str
    round_id: str | None  # None without a submission
    claim: Claim | None  # from its latest score; None if never scored
    withdrawn_at: int | None  # its earliest withdrawal, in microseconds
    decisions: tuple[Decision, ...]  # its awards and refusals, in stream order
    first_decided_at: int | None  # the earliest of them, in microseconds

    @property
    def decision(self) -> Decision | None:
        """The latest award or refusal: the one that stands."""
        return self.decisions[-1] if self.decisions else None

    def to_wire(self) -> tuple[Any, ...]:
        """Nothing but tuples, strings and integers: pickle handles those without calling
        back into Python (several times faster than NamedTuples)."""
        return (
            *self[:4],
            tuple((d[0], *d[1], *d[2:]) for d in self.decisions),
            self.first_decided_at,
        )

    @classmethod
    def from_wire(cls, wire: tuple[Any, ...]) -> ApplicationFacts:
        decisions = tuple(
            _new(Decision, (d[0], _new(Coordinates, d[1:4]), *d[4:])) for d in wire[4]
        )
        return _new(cls, (*wire[:4], decisions, wire[5]))


def facts_of(trail: ApplicationEvents) -> ApplicationFacts:
    """`trail` in stream order (History.settle_order)."""
    claim: Claim | None = None
    withdrawn_at: int | None = None
    decisions: list[Decision] = []
    for event in (*trail.own, *trail.scoring):
        kind = event.event_type
        if kind == "ApplicationScored":
            payload = event.payload
            claim = (
                trail.id,
                payload["enterprise_credit_code"],
                payload["achievement_key"],
                payload["claimed_amount_yuan"],
                payload["score"],
            )
        elif kind == "ApplicationWithdrawn":
            moment = micros(event.occurred_at)
            if withdrawn_at is None or moment < withdrawn_at:
                withdrawn_at = moment
        elif kind in DECISIONS:
            decisions.append(Decision.of(event))
    return ApplicationFacts(
        trail.id,
        interned(trail.round_id),
        claim,
        withdrawn_at,
        tuple(decisions),
        min((d.occurred_at for d in decisions), default=None),
    )
