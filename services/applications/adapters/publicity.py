"""What publicity reads from and counts in the applications database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from shared.eventstore import Connectable

from ..domain.finalisation import RoundStanding
from ..domain.published_list import Enterprise
from .tables import application, objection, objection_intake, published_list


async def latest_list(session: Connectable, round_id: str) -> dict[str, Any] | None:
    """The latest publication of the round's list, as its event carried it."""
    body = await session.scalar(
        select(published_list.c.body)
        .where(published_list.c.round_id == round_id)
        .order_by(published_list.c.revision.desc())
        .limit(1)
    )
    return dict(body) if body is not None else None


async def enterprises(session: Connectable, round_id: str) -> dict[str, Enterprise]:
    rows = await session.execute(
        select(
            application.c.id,
            application.c.enterprise_name,
            application.c.credit_code,
            application.c.claim,
            application.c.lead_decision,
        ).where(application.c.round_id == round_id)
    )
    return {
        row.id: Enterprise(row.enterprise_name, row.credit_code, as_decided(row)) for row in rows
    }


def as_decided(row: Any) -> dict[str, Any]:
    """The claim as it is paid: a second lead the reviewer decided to pay as a participant
    is listed as one."""
    if row.lead_decision == "participant":
        return {**row.claim, "role": "participant"}
    return dict(row.claim)


async def standing(session: Connectable, round_id: str) -> RoundStanding:
    in_round = application.c.round_id == round_id
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(application.c.open_objections), 0),
                func.count().filter(application.c.review == "reopened"),
                func.count().filter(application.c.awaiting_reallocation),
            ).where(in_round)
        )
    ).one()
    return RoundStanding(int(row[0]), int(row[1]), int(row[2]))


async def objection_exists(session: Connectable, objection_id: str) -> bool:
    found = await session.scalar(select(objection.c.id).where(objection.c.id == objection_id))
    return found is not None


async def objection_of(session: Connectable, objection_id: str) -> dict[str, Any] | None:
    row = (
        (await session.execute(select(objection).where(objection.c.id == objection_id)))
        .mappings()
        .first()
    )
    return dict(row) if row else None


async def count_intake(
    session: Connectable, buckets: Sequence[str], now: datetime, window: timedelta
) -> dict[str, tuple[int, datetime]]:
    """Count one more request in each bucket's current window; each bucket's count so far
    and when its window ends."""
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)
    counts = {}
    for bucket in buckets:
        statement = (
            insert(objection_intake)
            .values(bucket=bucket, window_start=start, count=1)
            .on_conflict_do_update(
                index_elements=["bucket", "window_start"],
                set_={"count": objection_intake.c.count + 1},
            )
            .returning(objection_intake.c.count)
        )
        counts[bucket] = (int((await session.execute(statement)).scalar_one()), start + window)
    return counts
