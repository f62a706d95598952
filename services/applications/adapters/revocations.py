"""Awards revoked, as the payments service recorded them: kept for the three-year bar
that intake enforces (shared/program_bar.py decides from them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from shared.contracts.payments import AwardRevoked
from shared.eventstore import Connectable

from .tables import award_revocation

_FIELDS = tuple(c.name for c in award_revocation.columns)


async def record_revocations(session: Connectable, revoked: Sequence[AwardRevoked]) -> None:
    """An award is revoked once: a second reading of its revocation changes nothing."""
    if revoked:
        rows = [event.model_dump(include=set(_FIELDS)) for event in revoked]
        await session.execute(insert(award_revocation).on_conflict_do_nothing(), rows)


async def revocations_of(session: Connectable, credit_code: str) -> list[AwardRevoked]:
    """Every award of the enterprise that was revoked, whatever the reason (the bar's
    rule decides which count): a handful at most, found by the index."""
    rows = await session.execute(
        select(award_revocation).where(award_revocation.c.credit_code == credit_code)
    )
    return [AwardRevoked.model_validate(dict(row)) for row in rows.mappings()]
