"""What verify keeps of an application's part in its round's publicity: objections and
their decisions, second reviews, proposed awards withdrawn, final awards. Checked for what
one application's streams show alone (in its shard), then sent on as compact facts for
the checks against the round (publicity.py, allocations.py).

Few applications of a history have any of it, so an application without stays as cheap
as before: no facts at all (None)."""

from __future__ import annotations

from typing import Any, NamedTuple

import msgspec

from .findings import Finding
from .payloads import Later
from .records import Coordinates

LODGED, DECIDED = "ObjectionLodged", "ObjectionDecided"
WITHDRAWN, FINAL = "ProposedAwardWithdrawn", "AwardFinalised"
REVIEWED = "ApplicationReviewed"
KINDS = frozenset({LODGED, DECIDED, WITHDRAWN, FINAL})
CHECK = "objection"


class Noted(NamedTuple):
    """One such event as its application's shard read it."""

    in_scoring: bool
    version: int
    event_type: str
    at: Any  # Coordinates
    event_id: str
    occurred_at: int  # microseconds
    causation_id: str | None
    payload: Later


class Objection(msgspec.Struct, array_like=True, frozen=True, gc=False):
    objection_id: Any
    event_id: str  # its ObjectionLodged
    at: Coordinates
    lodged_at: int
    decided_at: int | None  # when it was decided; None while open


class Reopening(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """An upheld objection, and the second review that followed it (if any yet)."""

    event_id: str  # the upheld ObjectionDecided
    at: Coordinates
    upheld_at: int
    review_id: str | None
    reviewed_at: int | None
    decision: Any  # of the second review


class Withdrawal(msgspec.Struct, array_like=True, frozen=True, gc=False):
    event_id: str
    at: Coordinates
    allocation: int
    withdrawn_yuan: int
    causation_id: str | None


class Final(msgspec.Struct, array_like=True, frozen=True, gc=False):
    event_id: str
    at: Coordinates
    occurred_at: int
    amount_yuan: int
    causation_id: str | None


class Publicity(msgspec.Struct, array_like=True, frozen=True, gc=False):
    objections: tuple[Objection, ...] = ()
    reopenings: tuple[Reopening, ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()
    finals: tuple[Final, ...] = ()

    def excluded_by(self) -> dict[str, int]:
        """The second reviews that found it ineligible after an upheld objection: their
        event ids and when (microseconds)."""
        return {
            r.review_id: r.reviewed_at
            for r in self.reopenings
            if r.review_id is not None and r.reviewed_at is not None and r.decision == "ineligible"
        }


def publicity_of(
    application_id: str, round_id: str | None, noted: list[Noted]
) -> tuple[Publicity, list[Finding]]:
    """`noted` in stream order (the own stream's, then scoring's). An objection decided
    that was not lodged, or not open, is named where it is decided."""
    findings: list[Finding] = []
    lodged: dict[Any, Noted] = {}
    decided: dict[Any, int] = {}
    reopenings: list[Reopening] = []
    upheld: Noted | None = None  # awaiting its second review
    withdrawals, finals = [], []
    for event in noted:
        kind, figures = event.event_type, event.payload
        problem = None
        if kind == LODGED:
            if figures.objection_id in lodged:
                problem = f"objection {figures.objection_id} lodged a second time"
            else:
                lodged[figures.objection_id] = event
        elif kind == DECIDED:
            if figures.objection_id not in lodged:
                problem = f"decides objection {figures.objection_id}, which was never lodged"
            elif figures.objection_id in decided:
                problem = f"decides objection {figures.objection_id}, already decided"
            else:
                decided[figures.objection_id] = event.occurred_at
                if figures.decision == "upheld":
                    if upheld is not None:
                        reopenings.append(_reopening(upheld, None))
                    upheld = event
        elif kind == REVIEWED and upheld is not None:
            reopenings.append(_reopening(upheld, event))
            upheld = None
        elif kind == WITHDRAWN:
            withdrawals.append(
                Withdrawal(
                    event.event_id,
                    event.at,
                    figures.allocation,
                    figures.withdrawn_yuan,
                    event.causation_id,
                )
            )
        elif kind == FINAL:
            finals.append(
                Final(
                    event.event_id,
                    event.at,
                    event.occurred_at,
                    figures.amount_yuan,
                    event.causation_id,
                )
            )
        if problem:
            findings.append(
                Finding(CHECK, problem, event.at, event.event_id, application_id, round_id)
            )
    if upheld is not None:
        reopenings.append(_reopening(upheld, None))
    objections = tuple(
        Objection(key, e.event_id, e.at, e.occurred_at, decided.get(key))
        for key, e in lodged.items()
    )
    return Publicity(objections, tuple(reopenings), tuple(withdrawals), tuple(finals)), findings


def _reopening(upheld: Noted, review: Noted | None) -> Reopening:
    return Reopening(
        upheld.event_id,
        upheld.at,
        upheld.occurred_at,
        review.event_id if review else None,
        review.occurred_at if review else None,
        review.payload.decision if review else None,
    )
