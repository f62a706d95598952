"""What the payments use cases read and write besides the event store: the award rows
(locked while a command decides), the payee accounts, and the calls owed to the bureau."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.contracts.payments import PayeeAccount

from .tables import award, bureau_call, instruction, payee_account

Row = Any  # a RowMapping


@dataclass(frozen=True)
class Call:
    instruction_id: str
    kind: str  # instruct, cancel
    application_id: str
    attempts: int
    first_tried_at: datetime


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """An applicant sees its enterprise's awards, a platform what came through it; other
    awards answer 404, as if they did not exist."""
    if principal.role == "applicant":
        return award.c.credit_code == principal.credit_code
    if principal.role == "platform":
        return award.c.submitted_via == principal.subject
    return true()


@dataclass
class PaymentsRepository:
    session: AsyncSession

    async def award(self, application_id: str, principal: Principal | None = None) -> Row | None:
        query = select(award).where(award.c.application_id == application_id)
        if principal is not None:
            query = query.where(visible_to(principal))
        return (await self.session.execute(query)).mappings().first()

    async def lock_award(self, application_id: str) -> Row | None:
        """The award's row, locked until the transaction ends: one decision at a time."""
        query = select(award).where(award.c.application_id == application_id).with_for_update()
        return (await self.session.execute(query)).mappings().first()

    async def round_awards(self, round_id: str) -> list[Row]:
        query = select(award).where(award.c.round_id == round_id, award.c.stage != "submitted")
        return list((await self.session.execute(query.order_by(award.c.application_id))).mappings())

    async def instructions(self, application_ids: list[str]) -> list[Row]:
        query = (
            select(instruction)
            .where(instruction.c.application_id.in_(application_ids))
            .order_by(
                instruction.c.application_id, instruction.c.tranche, instruction.c.instructed_at
            )
        )
        return list((await self.session.execute(query)).mappings())

    async def instruction(self, instruction_id: str) -> Row | None:
        query = select(instruction).where(instruction.c.instruction_id == instruction_id)
        return (await self.session.execute(query)).mappings().first()

    async def payee(self, application_id: str) -> PayeeAccount | None:
        query = select(payee_account).where(payee_account.c.application_id == application_id)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return PayeeAccount(
            credit_code=row["credit_code"],
            account_name=row["account_name"],
            account_number=row["account_number"],
            bank_name=row["bank_name"],
            cnaps_code=row["cnaps_code"],
        )

    async def payees_registered(self, application_ids: list[str]) -> set[str]:
        query = select(payee_account.c.application_id).where(
            payee_account.c.application_id.in_(application_ids)
        )
        return set((await self.session.execute(query)).scalars())

    async def save_payee(
        self, application_id: str, payee: PayeeAccount, by: str, now: datetime
    ) -> None:
        values = {
            **payee.model_dump(),
            "application_id": application_id,
            "registered_by": by,
            "registered_at": now,
        }
        statement = insert(payee_account).values(**values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[payee_account.c.application_id], set_=values
            )
        )

    # Calls owed to the bureau ---------------------------------------------------------
    async def owe(self, instruction_id: str, kind: str, application_id: str, now: datetime) -> None:
        await self.session.execute(
            insert(bureau_call)
            .values(
                instruction_id=instruction_id,
                kind=kind,
                application_id=application_id,
                next_try_at=now,
            )
            .on_conflict_do_nothing()
        )

    async def settle_call(self, instruction_id: str, kind: str) -> None:
        await self.session.execute(
            delete(bureau_call).where(
                bureau_call.c.instruction_id == instruction_id, bureau_call.c.kind == kind
            )
        )

    async def lease_due(self, now: datetime, until: datetime, limit: int) -> list[Call]:
        """The calls due now, leased to this instance until `until`, and counted as tried:
        one statement, whose rows another instance's lease skips rather than waits for."""
        due = (
            select(bureau_call.c.instruction_id, bureau_call.c.kind)
            .where(bureau_call.c.parked_at.is_(None), bureau_call.c.next_try_at <= now)
            .order_by(bureau_call.c.next_try_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        leased = await self.session.execute(
            update(bureau_call)
            .where(tuple_(bureau_call.c.instruction_id, bureau_call.c.kind).in_(due))
            .values(
                next_try_at=until,
                attempts=bureau_call.c.attempts + 1,
                first_tried_at=func.coalesce(bureau_call.c.first_tried_at, now),
            )
            .returning(
                bureau_call.c.instruction_id,
                bureau_call.c.kind,
                bureau_call.c.application_id,
                bureau_call.c.attempts,
                bureau_call.c.first_tried_at,
            )
        )
        return [Call(*row) for row in leased]

    async def try_again(self, call: Call, at: datetime, error: str) -> None:
        await self.session.execute(
            update(bureau_call)
            .where(
                bureau_call.c.instruction_id == call.instruction_id,
                bureau_call.c.kind == call.kind,
            )
            .values(next_try_at=at, last_error=error[:500])
        )

    async def park(self, call: Call, now: datetime, error: str) -> None:
        await self.session.execute(
            update(bureau_call)
            .where(
                bureau_call.c.instruction_id == call.instruction_id,
                bureau_call.c.kind == call.kind,
            )
            .values(parked_at=now, last_error=error[:500])
        )

    async def parked(self) -> list[Row]:
        query = (
            select(bureau_call)
            .where(bureau_call.c.parked_at.is_not(None))
            .order_by(bureau_call.c.parked_at)
        )
        return list((await self.session.execute(query)).mappings())

    async def calls_of(self, instruction_id: str) -> list[Row]:
        query = select(bureau_call).where(bureau_call.c.instruction_id == instruction_id)
        return list((await self.session.execute(query)).mappings())

    async def unpark(self, instruction_id: str, kind: str, now: datetime) -> None:
        """Due again now, its retry schedule started afresh: an operator's decision."""
        await self.session.execute(
            update(bureau_call)
            .where(bureau_call.c.instruction_id == instruction_id, bureau_call.c.kind == kind)
            .values(parked_at=None, next_try_at=now, attempts=0, first_tried_at=None)
        )

    async def calls(self, application_ids: list[str]) -> list[Row]:
        query = select(bureau_call).where(bureau_call.c.application_id.in_(application_ids))
        return list((await self.session.execute(query)).mappings())
