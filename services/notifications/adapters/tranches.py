"""Payment instructions' tranches, remembered so that their outcomes (which name only
the instruction) can be told with the amount, the tranche and the account's last four."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.payment_messages import Tranche
from .tables import payment_tranche


async def remember_tranches(session: AsyncSession, tranches: Sequence[Tranche]) -> None:
    if not tranches:
        return
    await session.execute(
        insert(payment_tranche).on_conflict_do_nothing(),
        [
            {
                "instruction_id": t.instruction_id,
                "application_id": t.application_id,
                "tranche": t.tranche,
                "tranches": t.tranches,
                "amount_yuan": t.amount_yuan,
                "account_last_four": t.account_last_four,
            }
            for t in tranches
        ],
    )


async def tranches(session: AsyncSession, instruction_ids: Sequence[str]) -> dict[str, Tranche]:
    """The instructions remembered of those named, by id; an unknown one is left out."""
    if not instruction_ids:
        return {}
    rows = await session.execute(
        select(payment_tranche).where(payment_tranche.c.instruction_id.in_(instruction_ids))
    )
    return {row.instruction_id: Tranche(**row._mapping) for row in rows}
