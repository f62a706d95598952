"""The register service's reads: a load's recorded answer, an enterprise's record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import backbone, register

# One load at a time: a load's records are stamped when it is taken, and a later stamp
# must mean a later commit for "the later load wins" to hold in every copy. Official
# lists are taken under the same lock: their ids share the event store with loads', and
# a list is matched against the register as one load left it, not halfway through one.
LOADS_LOCK = 0x7265676973746572  # "register"


async def one_load_at_a_time(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOADS_LOCK})


async def recorded_load(session: AsyncSession, load_id: str) -> dict[str, Any] | None:
    row = (
        (await session.execute(select(register.load).where(register.load.c.load_id == load_id)))
        .mappings()
        .first()
    )
    return dict(row) if row else None


async def enterprise_row(session: AsyncSession, credit_code: str) -> dict[str, Any] | None:
    row = (
        (
            await session.execute(
                select(register.enterprise).where(register.enterprise.c.credit_code == credit_code)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


async def stream_type(session: AsyncSession, aggregate_id: str) -> str | None:
    """What stream, if any, already has this id in the event store: loads and lists are
    keyed by the platforms' ids, so one id cannot be both."""
    event = backbone.event.c
    found: str | None = await session.scalar(
        select(event.aggregate_type).where(event.aggregate_id == aggregate_id).limit(1)
    )
    return found
