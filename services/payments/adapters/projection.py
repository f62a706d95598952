"""The payments projection: each application as payments knows it (who applied, what
category, which policy, its final award) and every instruction with its outcome, kept
from the events alone, so `qsfund-payments rebuild` makes the same rows from the log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import ApplicationAmended, ApplicationSubmitted
from shared.contracts.payments import (
    AwardRevoked,
    ClawbackSettled,
    InstructionCancelled,
    MilestoneReached,
    PaymentAccepted,
    PaymentFailed,
    PaymentInstructed,
    PaymentSucceeded,
    RepaymentRecorded,
)
from shared.contracts.publicity import AwardFinalised
from shared.contracts.scoring import ApplicationAwarded, ProposedAwardWithdrawn
from shared.envelope import Envelope

from .tables import award, instruction

Projector = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]


async def project_many(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """Apply the events in their order; events payments has no use for are passed over."""
    for envelope, event in events:
        projector = PROJECTORS.get(type(event))
        if projector is not None:
            await projector(session, envelope, event)


def _award(application_id: str, **values: Any) -> Any:
    return update(award).where(award.c.application_id == application_id).values(**values)


def _instruction(instruction_id: str, **values: Any) -> Any:
    return (
        update(instruction).where(instruction.c.instruction_id == instruction_id).values(**values)
    )


async def _submitted(session: AsyncSession, _: Envelope, event: ApplicationSubmitted) -> None:
    await session.execute(
        insert(award)
        .values(
            application_id=event.application_id,
            round_id=event.round_id,
            credit_code=event.enterprise.credit_code,
            category=event.claim.category,
            submitted_via=event.submitted_via,
        )
        .on_conflict_do_nothing()
    )


async def _amended(session: AsyncSession, _: Envelope, event: ApplicationAmended) -> None:
    await session.execute(
        _award(
            event.application_id,
            credit_code=event.enterprise.credit_code,
            category=event.claim.category,
        )
    )


async def _awarded(session: AsyncSession, _: Envelope, event: ApplicationAwarded) -> None:
    await session.execute(_award(event.application_id, policy_version=event.policy_version))
    # The scoring topic may be read behind the applications topic: an award already
    # final stays final.
    await session.execute(
        _award(event.application_id, stage="awarded").where(
            award.c.stage.in_(("submitted", "withdrawn"))
        )
    )


async def _withdrawn(session: AsyncSession, _: Envelope, event: ProposedAwardWithdrawn) -> None:
    await session.execute(_award(event.application_id, stage="withdrawn"))


async def _finalised(session: AsyncSession, envelope: Envelope, event: AwardFinalised) -> None:
    await session.execute(
        _award(
            event.application_id,
            final_award_yuan=event.amount_yuan,
            finalised_at=envelope.occurred_at,
            stage="final",
        )
    )


async def _instructed(session: AsyncSession, envelope: Envelope, event: PaymentInstructed) -> None:
    await session.execute(
        insert(instruction)
        .values(
            instruction_id=event.instruction_id,
            application_id=event.application_id,
            tranche=event.tranche,
            amount_yuan=event.amount_yuan,
            account_name=event.payee.account_name,
            account_number=event.payee.account_number,
            cnaps_code=event.payee.cnaps_code,
            reissue_of=event.reissue_of,
            status="instructed",
            instructed_at=envelope.occurred_at,
        )
        .on_conflict_do_nothing()
    )
    await session.execute(
        _award(event.application_id, stage="paying").where(award.c.stage == "final")
    )


async def _accepted(session: AsyncSession, _: Envelope, event: PaymentAccepted) -> None:
    await session.execute(
        _instruction(
            event.instruction_id, status="accepted", bureau_reference=event.bureau_reference
        )
    )


async def _succeeded(session: AsyncSession, _: Envelope, event: PaymentSucceeded) -> None:
    await session.execute(
        _instruction(
            event.instruction_id,
            status="paid",
            bank_reference=event.bank_reference,
            settled_at=event.paid_at,
        )
    )
    paid = award.c.paid_yuan + event.amount_yuan
    revoked = award.c.revoked_at.is_not(None)
    await session.execute(_award(event.application_id, paid_yuan=paid).where(revoked.is_(False)))
    # Paid after the revocation (it reached the bureau too late): due back as well.
    await session.execute(
        _award(
            event.application_id,
            paid_yuan=paid,
            due_back_yuan=award.c.due_back_yuan + event.amount_yuan,
        ).where(revoked)
    )
    await session.execute(
        _award(event.application_id, stage="paid").where(
            award.c.stage == "paying", award.c.paid_yuan == award.c.final_award_yuan
        )
    )


async def _failed(session: AsyncSession, _: Envelope, event: PaymentFailed) -> None:
    await session.execute(
        _instruction(
            event.instruction_id,
            status="failed",
            failure_reason=event.reason,
            failure_message=event.message,
            settled_at=event.failed_at,
        )
    )


async def _milestone(session: AsyncSession, _: Envelope, event: MilestoneReached) -> None:
    await session.execute(
        _award(
            event.application_id,
            milestones=award.c.milestones + f"{event.milestone}\n",
        )
    )


async def _revoked(session: AsyncSession, _: Envelope, event: AwardRevoked) -> None:
    await session.execute(
        _award(
            event.application_id,
            stage="revoked",
            due_back_yuan=event.paid_yuan,
            revocation_reason=event.reason,
            revocation_reference=event.document_reference,
            revoked_at=event.revoked_at,
        )
    )


async def _cancelled(session: AsyncSession, _: Envelope, event: InstructionCancelled) -> None:
    await session.execute(_instruction(event.instruction_id, status="cancelled"))


async def _repaid(session: AsyncSession, _: Envelope, event: RepaymentRecorded) -> None:
    await session.execute(
        _award(
            event.application_id,
            repaid_yuan=award.c.repaid_yuan + event.amount_yuan,
            due_back_yuan=event.still_due_yuan,
        )
    )


async def _settled(session: AsyncSession, _: Envelope, event: ClawbackSettled) -> None:
    await session.execute(_award(event.application_id, stage="settled"))


PROJECTORS: dict[type[Contract], Projector] = {
    ApplicationSubmitted: _submitted,
    ApplicationAmended: _amended,
    ApplicationAwarded: _awarded,
    ProposedAwardWithdrawn: _withdrawn,
    AwardFinalised: _finalised,
    PaymentInstructed: _instructed,
    PaymentAccepted: _accepted,
    PaymentSucceeded: _succeeded,
    PaymentFailed: _failed,
    MilestoneReached: _milestone,
    AwardRevoked: _revoked,
    InstructionCancelled: _cancelled,
    RepaymentRecorded: _repaid,
    ClawbackSettled: _settled,
}
