"""The published list (公示) of a round's proposed awards: what it shows of each, and the
event that publishes it, sealing the history behind it with a digest. No I/O here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.contracts.publicity import PublicityOpened, PublishedEntry, PublishedListRevised
from shared.contracts.scoring import RoundAllocated
from shared.contracts.values import ChainHead
from shared.hashchain import history_digest
from shared.rules.calendar import period_end
from shared.rules.listing import describe

from .rounds import FundingRound


@dataclass(frozen=True)
class Enterprise:
    """What the list shows of an application's enterprise and claim."""

    name: str
    credit_code: str
    claim: Mapping[str, Any]


def published_entries(
    allocated: RoundAllocated, enterprises: Mapping[str, Enterprise]
) -> list[PublishedEntry]:
    """The proposed awards, largest first: only what is public (no contact, no evidence)."""
    entries = []
    for outcome in allocated.outcomes:
        if outcome.amount_yuan == 0:
            continue
        enterprise = enterprises[outcome.application_id]
        achievement, level = describe(enterprise.claim)
        entries.append(
            PublishedEntry(
                application_id=outcome.application_id,
                enterprise_name=enterprise.name,
                credit_code=enterprise.credit_code,
                category=enterprise.claim["category"],
                achievement=achievement,
                level=level,
                proposed_amount_yuan=outcome.amount_yuan,
            )
        )
    return sorted(entries, key=lambda e: (-e.proposed_amount_yuan, e.application_id))


def publish(
    round_: FundingRound,
    allocated: RoundAllocated,
    enterprises: Mapping[str, Enterprise],
    heads: Iterable[ChainHead],
    now: datetime,
) -> PublicityOpened | PublishedListRevised | None:
    """The list for this allocation: the first opens the period, a later one revises the
    list within it. None when the round already shows this allocation or is final."""
    if round_.finalised_at is not None or allocated.allocation <= round_.list_allocation:
        return None
    entries = published_entries(allocated, enterprises)
    sealed = sorted(heads, key=lambda head: (head.source, head.aggregate_id))
    common: dict[str, Any] = {
        "round_id": round_.id,
        "revision": round_.list_revision + 1,
        "allocation": allocated.allocation,
        "entries": entries,
        "total_yuan": sum(e.proposed_amount_yuan for e in entries),
        "heads": sealed,
        "digest": history_digest(sealed),
    }
    if round_.publicity_ends_at is not None:
        return PublishedListRevised(**common)
    last_day, ends_at = period_end(now, round_.publicity_days, round_.publicity_day_kind)
    return PublicityOpened(
        **common,
        published_at=now,
        ends_at=ends_at,
        last_day=last_day,
        days=round_.publicity_days,
        day_kind=round_.publicity_day_kind,
    )
