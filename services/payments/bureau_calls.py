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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.contracts.base import Contract
from shared.envelope import Actor

from .adapters.finance import FinanceBureau
from .adapters.finance_answers import (
    Accepted,
    CancelledThere,
    FailedThere,
    OperatorNeeded,
    PaidThere,
    Refused,
    TryAgain,
)
from .adapters.repository import Call, PaymentsRepository
from .domain.errors import PaymentError
from .domain.ledger import AwardLedger
from .domain.retrying import next_try
from .service import PaymentsService

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
        while True:
            try:
                made = await self.once()
            except Exception:  # a database hiccup must not end the loop
                log.exception("bureau calls: a round of calls failed")
                made = 0
            if not made:
                await asyncio.sleep(self.poll_seconds)

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
