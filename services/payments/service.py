"""The payments use cases: paying final awards, the bureau's outcomes, milestones,
revocation and repayment. Each runs in one transaction that locks the award's row,
replays its ledger from the event store, lets the domain decide, and writes what it
decided: the events, the projection, and the calls owed to the bureau, together.

Routes, the consumer, the callback and the calls loop all come here; time, the actor
and the ids of events are injected by `bootstrap.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.principal import Principal
from shared.contracts import Contract, parse_payload
from shared.contracts.applications import ApplicationAmended, ApplicationSubmitted
from shared.contracts.payments import (
    AwardRevoked,
    PayeeAccount,
    PaymentInstructed,
    RevocationReason,
)
from shared.contracts.publicity import AwardFinalised
from shared.contracts.scoring import ApplicationAwarded, ProposedAwardWithdrawn
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore
from shared.policy import policy_version
from shared.rules.payments.errors import InvalidInput, NotAllowedNow, PaymentError
from shared.rules.payments.ledger import AwardLedger
from shared.rules.payments.tranches import plan

from .adapters.projection import project_many
from .adapters.repository import PaymentsRepository, Row
from .views import AwardView, RoundPaymentsView, award_view, round_view

# The events after which an award may have become payable.
PAYABLE_AFTER = (AwardFinalised, ApplicationAwarded)
# What it reads of the other services: who applied and for what, what was awarded, and
# which awards are final (the AsyncAPI document shows them as the subscriber's message).
CONSUMES: tuple[type[Contract], ...] = (
    ApplicationSubmitted,
    ApplicationAmended,
    ApplicationAwarded,
    ProposedAwardWithdrawn,
    AwardFinalised,
)


class NotFound(PaymentError):
    """No such award (or not one the caller may see): HTTP 404."""


@dataclass(frozen=True)
class PaymentsService:
    sessions: async_sessionmaker[AsyncSession]
    store: EventStore
    clock: Callable[[], datetime]
    actor: Actor

    # From the topics ------------------------------------------------------------------
    async def on_events(
        self, session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]
    ) -> None:
        """Keep the awards current; pay each award these events made final and payable."""
        await project_many(session, events)
        repository = PaymentsRepository(session)
        for envelope, event in events:
            if isinstance(event, PAYABLE_AFTER):
                row = await repository.lock_award(event.application_id)
                if row is not None:
                    await self._pay_due(session, row, Cause.following(envelope, self.actor))

    # The enterprise's account ---------------------------------------------------------
    async def register_payee(
        self, principal: Principal, application_id: str, account: Callable[[str], PayeeAccount]
    ) -> AwardView:
        """Register (or correct) the account an award is paid to, and pay what it unblocks:
        the tranches due, and a failed one again to the corrected account."""
        async with self.sessions() as session, session.begin():
            repository = PaymentsRepository(session)
            row = await self._visible_locked(repository, principal, application_id)
            if row["stage"] in ("submitted", "withdrawn"):
                raise NotAllowedNow(
                    "application_id", "awarded", "an account is registered for an award only"
                )
            if row["revoked_at"] is not None:
                raise NotAllowedNow("application_id", "not_revoked", "the award was revoked")
            payee = account(row["credit_code"])
            await repository.save_payee(application_id, payee, principal.subject, self.clock())
            await self._pay_due(session, row, self._cause(principal))
            return await self._view(repository, application_id)

    # The program officer's ------------------------------------------------------------
    async def reach_milestone(
        self, principal: Principal, application_id: str, milestone: str, reference: str
    ) -> AwardView:
        async with self.sessions() as session, session.begin():
            repository = PaymentsRepository(session)
            row = await self._final_locked(repository, principal, application_id)
            ledger = await self._ledger(session, row)
            cause = self._cause(principal)
            await self._write(session, ledger.reach_milestone(milestone, reference), cause)
            await self._pay_due(session, row, cause)
            return await self._view(repository, application_id)

    async def revoke(
        self,
        principal: Principal,
        application_id: str,
        reason: RevocationReason,
        reference: str,
    ) -> AwardView:
        async with self.sessions() as session, session.begin():
            repository = PaymentsRepository(session)
            row = await self._final_locked(repository, principal, application_id)
            ledger = await self._ledger(session, row)
            events = ledger.revoke(reason, reference, self.clock())
            await self._write(session, events, self._cause(principal))
            return await self._view(repository, application_id)

    async def record_repayment(
        self, principal: Principal, application_id: str, amount_yuan: int, reference: str
    ) -> AwardView:
        async with self.sessions() as session, session.begin():
            repository = PaymentsRepository(session)
            row = await self._final_locked(repository, principal, application_id)
            ledger = await self._ledger(session, row)
            events = ledger.repaid(amount_yuan, reference, self.clock())
            await self._write(session, events, self._cause(principal))
            return await self._view(repository, application_id)

    # The bureau's answers -------------------------------------------------------------
    async def bureau_outcome(
        self,
        instruction_id: str,
        decide: Callable[[AwardLedger], list[Contract]],
        actor: Actor,
    ) -> None:
        """Record what the bureau says of an instruction (a callback, or the answer to a
        call); the ledger decides whether it is new, a repeat, or a contradiction."""
        async with self.sessions() as session, session.begin():
            repository = PaymentsRepository(session)
            made = await repository.instruction(instruction_id)
            if made is None:
                raise NotFound("instruction_id", "known", f"no instruction {instruction_id!r}")
            row = await repository.lock_award(made["application_id"])
            assert row is not None, "an instruction's award has a row"
            ledger = await self._ledger(session, row)
            cause = Cause(actor=actor, correlation_id=uuid4())
            await self._write(session, decide(ledger), cause)
            await repository.settle_call(instruction_id, "instruct")

    async def paid_event(self, instruction_id: str, application_id: str) -> PaymentInstructed:
        """The instruction as instructed: the body every try of its call sends."""
        async with self.sessions() as session:
            for envelope in await self.store.stream(session, application_id):
                event = parse_payload(envelope)
                if isinstance(event, PaymentInstructed) and event.instruction_id == instruction_id:
                    return event
        raise LookupError(f"no PaymentInstructed {instruction_id}")

    # Reads --------------------------------------------------------------------------
    async def award(self, principal: Principal, application_id: str) -> AwardView:
        async with self.sessions() as session:
            repository = PaymentsRepository(session)
            if await repository.award(application_id, principal) is None:
                raise NotFound("application_id", "known", f"no award {application_id!r}")
            return await self._view(repository, application_id)

    async def round_payments(self, round_id: str) -> RoundPaymentsView:
        async with self.sessions() as session:
            repository = PaymentsRepository(session)
            rows = await repository.round_awards(round_id)
            ids = [row["application_id"] for row in rows]
            return round_view(
                round_id,
                rows,
                await repository.payees_registered(ids),
                await repository.calls(ids),
            )

    # Inside -------------------------------------------------------------------------
    def _cause(self, principal: Principal) -> Cause:
        return Cause(actor=principal.actor, correlation_id=uuid4())

    async def _visible_locked(
        self, repository: PaymentsRepository, principal: Principal, application_id: str
    ) -> Row:
        if await repository.award(application_id, principal) is None:
            raise NotFound("application_id", "known", f"no award {application_id!r}")
        row = await repository.lock_award(application_id)
        assert row is not None
        return row

    async def _final_locked(
        self, repository: PaymentsRepository, principal: Principal, application_id: str
    ) -> Row:
        row = await self._visible_locked(repository, principal, application_id)
        if not _final(row):
            raise NotAllowedNow(
                "application_id", "final", "the award is not final: nothing is paid or revoked yet"
            )
        return row

    async def _ledger(self, session: AsyncSession, row: Row) -> AwardLedger:
        terms = policy_version(row["policy_version"]).payment
        ledger = AwardLedger(
            application_id=row["application_id"],
            round_id=row["round_id"],
            credit_code=row["credit_code"],
            final_award_yuan=row["final_award_yuan"],
            plan=plan(row["final_award_yuan"], row["category"], terms),
        )
        stream = await self.store.stream(session, row["application_id"])
        return ledger.replay(parse_payload(envelope) for envelope in stream)

    async def _pay_due(self, session: AsyncSession, row: Row, cause: Cause) -> None:
        """Instruct what is due on a final award whose account is registered, and pay a
        failed tranche again when the account has since been corrected."""
        if not _final(row) or row["revoked_at"] is not None:
            return
        payee = await PaymentsRepository(session).payee(row["application_id"])
        if payee is None:
            return
        ledger = await self._ledger(session, row)
        events = ledger.instruct_due(payee)
        for failed in ledger.awaiting_reissue():
            try:
                events += ledger.reissue(failed.id, payee)
            except InvalidInput:
                continue  # the same account that failed: it waits for a corrected one
        await self._write(session, events, cause)

    async def _write(self, session: AsyncSession, events: list[Contract], cause: Cause) -> None:
        if not events:
            return
        application_id = events[0].aggregate_id()
        head = await self.store.head(session, application_id)
        sealed = await self.store.append(session, head, events, cause)
        await project_many(session, list(zip(sealed, events, strict=True)))
        repository, now = PaymentsRepository(session), self.clock()
        for event in events:
            if isinstance(event, PaymentInstructed):
                await repository.owe(event.instruction_id, "instruct", application_id, now)
            elif isinstance(event, AwardRevoked):
                for instruction_id in event.cancelling:
                    await repository.owe(instruction_id, "cancel", application_id, now)

    async def _view(self, repository: PaymentsRepository, application_id: str) -> AwardView:
        row = await repository.award(application_id)
        assert row is not None
        return award_view(
            row,
            await repository.instructions([application_id]),
            application_id in await repository.payees_registered([application_id]),
        )


def _final(row: Row) -> bool:
    """Final, and with the policy whose terms split it: what paying and revoking need.
    (The scoring topic may be read behind the applications topic: the policy then comes
    after the amount, and paying waits for it.)"""
    return row["final_award_yuan"] is not None and row["policy_version"] is not None
