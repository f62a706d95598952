"""The calls owed to the finance bureau, made until it answers: each payment
instruction, and each cancellation a revocation asks for.

A call is leased (its row's next try pushed past the call's timeout) in one short
transaction, made outside any transaction (the bureau may take 30 s), and its answer
recorded in another: several instances share the table without calling twice at once,
and a crash between the call and the record only means the same call again, which the
bureau answers as a repeat (its ids are idempotent). Retries follow the contract's
schedule; a call that runs out of it, or that the bureau refuses for a reason no retry
cures (signature, conflicting body), is parked for an operator.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.contracts.base import Contract
from shared.envelope import Actor
from shared.metrics import BUREAU_CALLS_PARKED
from shared.rules.payments.errors import PaymentError
from shared.rules.payments.ledger import AwardLedger

from .adapters.finance import FinanceBureau
from .adapters.finance_answers import (
    Accepted,
    CancelledThere,
    FailedThere,
    NotThere,
    OperatorNeeded,
    PaidThere,
    Refused,
    TryAgain,
)
from .adapters.repository import Call, PaymentsRepository
from .domain.retrying import next_try
from .service import NotFound, PaymentsService
from .views import BureauCallView, ReconciledView, bureau_call_view

log = logging.getLogger(__name__)
BUREAU = Actor(id="finance-bureau", role="finance_bureau")
Answer = Accepted | Refused | CancelledThere | PaidThere | FailedThere | TryAgain | OperatorNeeded


@dataclass
class BureauCalls:
    service: PaymentsService
    sessions: async_sessionmaker[AsyncSession]
    bureau: FinanceBureau
    clock: Callable[[], datetime]
    poll_seconds: float = 0.5
    # Longer than a call can take (connect + answer), so a lease never ends mid-call.
    lease: timedelta = timedelta(seconds=60)
    batch: int = 16

    async def run(self) -> None:
        counted = 0.0
        while True:
            try:
                made = await self.once()
                if time.monotonic() - counted > 30:
                    BUREAU_CALLS_PARKED.set(len(await self.parked()))
                    counted = time.monotonic()
            except Exception:  # a database hiccup must not end the loop
                log.exception("bureau calls: a round of calls failed")
                made = 0
            if not made:
                await asyncio.sleep(self.poll_seconds)

    async def parked(self) -> list[BureauCallView]:
        async with self.sessions() as session:
            return [bureau_call_view(row) for row in await PaymentsRepository(session).parked()]

    async def reconcile(self, instruction_id: str) -> ReconciledView:
        """An operator's answer to a parked call, as the contract says: ask the bureau what
        it holds of the instruction first, then record that, or send the call again."""
        async with self.sessions() as session:
            calls = await PaymentsRepository(session).calls_of(instruction_id)
        if not calls:
            raise NotFound(
                "instruction_id", "owed", f"no call to the bureau for {instruction_id!r}"
            )
        answer = await self.bureau.status(instruction_id)
        if isinstance(answer, TryAgain | OperatorNeeded):
            raise BureauUnavailable("instruction_id", "bureau_answers", answer.detail)
        now = self.clock()
        kinds = {call["kind"] for call in calls}
        if isinstance(answer, NotThere):
            # Never received: a revoked award's cancellation goes (the bureau remembers
            # it and refuses the instruction if it arrives later); else the instruction.
            state = "not_received"
            again: str | None = "cancel" if "cancel" in kinds else "instruct"
            action = f"the {'cancellation' if again == 'cancel' else 'instruction'} is sent again"
        else:
            await self.service.bureau_outcome(
                instruction_id, _decision(instruction_id, answer, now), BUREAU
            )
            state = _state_name(answer)
            # Taken but not paid: a cancellation still owed must reach it.
            again = "cancel" if state == "accepted" and "cancel" in kinds else None
            action = f"recorded as {state}"
        async with self.sessions() as session, session.begin():
            repository = PaymentsRepository(session)
            for kind in kinds:
                if kind == again:
                    await repository.unpark(instruction_id, kind, now)
                else:
                    await repository.settle_call(instruction_id, kind)
            left = [bureau_call_view(row) for row in await repository.calls_of(instruction_id)]
        log.warning(
            "bureau call %s reconciled: the bureau says %s; %s", instruction_id, state, action
        )
        return ReconciledView(
            instruction_id=instruction_id, bureau_state=state, action=action, calls=left
        )

    async def once(self) -> int:
        """Make every call due now; how many were made."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            calls = await PaymentsRepository(session).lease_due(now, now + self.lease, self.batch)
        await asyncio.gather(*(self._make(call) for call in calls))
        return len(calls)

    async def _make(self, call: Call) -> None:
        answer: Answer
        if call.kind == "instruct":
            instructed = await self.service.paid_event(call.instruction_id, call.application_id)
            answer = await self.bureau.instruct(
                instructed, purpose=f"{instructed.round_id} 奖励资金"
            )
        else:
            answer = await self.bureau.cancel(call.instruction_id)
        await self._record(call, answer)

    async def _record(self, call: Call, answer: Answer) -> None:
        if isinstance(answer, TryAgain):
            await self._retry_or_park(call, answer.detail)
            return
        if isinstance(answer, OperatorNeeded):
            await self._park(call, answer.detail)
            return
        try:
            await self.service.bureau_outcome(
                call.instruction_id, _decision(call.instruction_id, answer, self.clock()), BUREAU
            )
        except PaymentError as error:  # it contradicts the record: a person reconciles
            await self._park(call, f"{error.rule}: {error.message}")
            return
        async with self.sessions() as session, session.begin():
            await PaymentsRepository(session).settle_call(call.instruction_id, call.kind)

    async def _retry_or_park(self, call: Call, detail: str) -> None:
        now = self.clock()
        at = next_try(call.attempts, call.first_tried_at, now)
        if at is None:
            await self._park(call, f"no answer for 24 h: {detail}")
            return
        async with self.sessions() as session, session.begin():
            await PaymentsRepository(session).try_again(call, at, detail)

    async def _park(self, call: Call, detail: str) -> None:
        log.error("bureau call %s %s parked: %s", call.kind, call.instruction_id, detail)
        async with self.sessions() as session, session.begin():
            await PaymentsRepository(session).park(call, self.clock(), detail)


class BureauUnavailable(PaymentError):
    """The bureau gave no answer to reconcile by (HTTP 503): try again later."""


def _state_name(answer: Accepted | PaidThere | FailedThere | CancelledThere) -> str:
    return {
        Accepted: "accepted",
        PaidThere: "paid",
        FailedThere: "failed",
        CancelledThere: "cancelled",
    }[type(answer)]


def _decision(
    instruction_id: str, answer: Answer, now: datetime
) -> Callable[[AwardLedger], list[Contract]]:
    """What the ledger is to make of the bureau's answer."""

    def decide(ledger: AwardLedger) -> list[Contract]:
        if isinstance(answer, Accepted):
            return ledger.accepted(instruction_id, answer.bureau_reference)
        if isinstance(answer, Refused):
            return ledger.failed(instruction_id, answer.reason, answer.message, now)
        if isinstance(answer, CancelledThere):
            return ledger.cancelled(instruction_id)
        if isinstance(answer, PaidThere):
            amount = ledger.instructions[instruction_id].amount_yuan
            return ledger.paid(instruction_id, amount, answer.bank_reference, answer.paid_at)
        if isinstance(answer, FailedThere):
            return ledger.failed(instruction_id, answer.reason, answer.message, now)
        raise AssertionError(f"not an outcome: {answer!r}")

    return decide
