"""The calls owed to the finance bureau, over a real PostgreSQL and the real stand-in:
a bureau silent for a day parks the instruction for an operator; the operator's
reconciliation asks the bureau first, finds it never received, and sends it again, once.

The payments service's parts run in this process (its service, its calls loop); the
award reaches it as the consumer would hand it events; the clock is the test's own, and
the stand-in reads the same one (signatures are only good within 300 s of its clock)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.payments.adapters.finance import FinanceBureau
from services.payments.adapters.tables import backbone
from services.payments.bureau_calls import BureauCalls
from services.payments.domain.account import payee
from services.payments.service import NotFound, PaymentsService
from shared.auth.principal import Principal
from shared.contracts.payments import PayeeAccount
from shared.contracts.publicity import AwardFinalised
from shared.contracts.scoring import ApplicationAwarded
from shared.contracts.values import PilotProjectClaim
from shared.envelope import Actor
from shared.eventstore import EventStore
from shared.runtime import database
from tests.support.databases import fresh_database
from tests.support.events import VALID_CREDIT_CODES, stream, submitted
from tests.support.finance import TO_BUREAU, standin_process
from tests.support.infrastructure import Infrastructure
from tests.support.processes import ServiceProcess, free_port
from tests.support.publicity import MovableClock

pytestmark = pytest.mark.integration
CODE = VALID_CREDIT_CODES[0]


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> MovableClock:
    moved = MovableClock(tmp_path_factory.mktemp("clock") / "offset")
    moved.set(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    return moved


@pytest.fixture(scope="module")
def bureau(clock: MovableClock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    nowhere = f"http://127.0.0.1:{free_port()}/v1/finance/callbacks"  # no callback matters
    process: ServiceProcess = standin_process(
        Path(tmp_path_factory.mktemp("standin")), nowhere, clock.path
    ).start()
    try:
        yield process.url
    finally:
        process.stop()


@dataclass
class Payments:
    service: PaymentsService
    calls: BureauCalls
    engine: AsyncEngine


@pytest.fixture
async def payments(infra: Infrastructure, clock: MovableClock) -> AsyncIterator[Payments]:
    url = await fresh_database(infra.postgres_url, "payments")
    engine, sessions = database(url)
    service = PaymentsService(
        sessions=sessions,
        store=EventStore("payments", backbone.event, clock.now),
        clock=clock.now,
        actor=Actor(id="payments", role="service"),
    )
    silent = FinanceBureau(f"http://127.0.0.1:{free_port()}", [TO_BUREAU], clock.now)
    calls = BureauCalls(service=service, sessions=sessions, bureau=silent, clock=clock.now)
    try:
        yield Payments(service, calls, engine)
    finally:
        await silent.aclose()
        await engine.dispose()


async def final_pilot_award(payments: Payments) -> str:
    """A 300,000 yuan pilot project award, final, as the topics would tell it."""
    filed = submitted().model_copy(
        update={
            "claim": PilotProjectClaim(
                category="pilot_project",
                level="municipal",
                project_name="Smart property services",
                accepted_on=date(2026, 5, 20),
            )
        }
    )
    application_id = filed.application_id
    awarded = ApplicationAwarded(
        application_id=application_id,
        round_id=filed.round_id,
        amount_yuan=300_000,
        claimed_amount_yuan=300_000,
        rank=1,
        allocation_mode="rank",
        policy_version="2026.3",
        policy_sha256="0" * 64,
        basis="rank 1 of 1",
    )
    final = AwardFinalised(
        application_id=application_id, round_id=filed.round_id, amount_yuan=300_000
    )
    events = [filed, awarded, final]
    async with payments.service.sessions() as session, session.begin():
        await payments.service.on_events(session, list(zip(stream(events), events, strict=True)))
    return application_id


def account(credit_code: str) -> PayeeAccount:
    return payee(
        credit_code, "重庆金宇检测有限公司", "3100 6672 6018 8001 2345", "交通银行", "301653000015"
    )


async def test_a_silent_bureau_parks_the_call_and_the_operator_reconciles_it(
    payments: Payments, bureau: str, clock: MovableClock
) -> None:
    application_id = await final_pilot_award(payments)
    enterprise = Principal(subject=f"applicant-{CODE}", role="applicant", credit_code=CODE)
    view = await payments.service.register_payee(enterprise, application_id, account)
    [instructed] = view.instructions
    assert (instructed.tranche, instructed.amount_yuan, instructed.status) == (
        1,
        150_000,
        "instructed",
    )

    # No answer: tried, and tried again on the contract's schedule until a day has passed.
    assert await payments.calls.once() == 1
    assert await payments.calls.parked() == []
    clock.set(clock.now() + timedelta(hours=24, minutes=1))
    assert await payments.calls.once() == 1
    [parked] = await payments.calls.parked()
    assert (parked.instruction_id, parked.kind, parked.attempts) == (
        instructed.instruction_id,
        "instruct",
        2,
    )
    assert "no answer for 24 h" in (parked.last_error or "")
    assert await payments.calls.once() == 0  # parked calls wait for a person

    # The bureau is back. The operator asks it first: never received, so it goes again.
    payments.calls.bureau = FinanceBureau(bureau, [TO_BUREAU], clock.now)
    try:
        reconciled = await payments.calls.reconcile(instructed.instruction_id)
        assert (reconciled.bureau_state, reconciled.action) == (
            "not_received",
            "the instruction is sent again",
        )
        assert await payments.calls.parked() == []
        assert await payments.calls.once() == 1
        after = await payments.service.award(enterprise, application_id)
        assert [(i.instruction_id, i.status) for i in after.instructions] == [
            (instructed.instruction_id, "accepted")
        ]
        # Nothing is owed to the bureau for it any more: nothing to reconcile.
        with pytest.raises(NotFound):
            await payments.calls.reconcile(instructed.instruction_id)
    finally:
        await payments.calls.bureau.aclose()
