"""The finance contract over real HTTP: qsfund's client (FinanceBureau) against the
bureau's stand-in run as its own process, whose signed callbacks a real receiver checks.
Each test chooses the bureau's behaviour by the payee's account number, as the contract's
stand-in table says, and waits for the callback it caused."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from services.payments.adapters.finance import (
    Accepted,
    CancelledThere,
    FailedThere,
    FinanceBureau,
    NotThere,
    OperatorNeeded,
    PaidThere,
    Refused,
    TryAgain,
)
from shared.clock import Clock, clock_from
from tests.support.finance import (
    TO_BUREAU,
    CallbackReceiver,
    StandInControl,
    answered,
    instruction,
    standin_process,
)

PURPOSE = "质量品牌和标准化奖励资金 2026 第1期"
SLOW_SECONDS = 3.0


def move_clock(clock_file: Path, seconds: int) -> None:
    # Replaced whole, so no reader of the file ever finds it half written.
    temporary = clock_file.with_suffix(".new")
    temporary.write_text(str(seconds))
    os.replace(temporary, clock_file)


@pytest.fixture
def clock_file(tmp_path: Path) -> Path:
    path = tmp_path / "clock-offset"
    path.write_text("0")
    return path


@pytest.fixture
def clock(clock_file: Path) -> Clock:
    return clock_from(str(clock_file))


@pytest.fixture
def receiver(clock: Clock) -> Iterator[CallbackReceiver]:
    with CallbackReceiver(clock) as running:
        yield running


@pytest.fixture
def standin(tmp_path: Path, clock_file: Path, receiver: CallbackReceiver) -> Iterator[str]:
    process = standin_process(
        tmp_path,
        receiver.url,
        clock_file,
        slow_seconds=str(SLOW_SECONDS),
        callback_backoff_base_seconds="0.2",
        callback_backoff_cap_seconds="1",
        tick_seconds="0.1",
    ).start()
    yield process.url
    process.stop()


@pytest.fixture
def control(standin: str) -> StandInControl:
    return StandInControl(standin)


@pytest.fixture
async def bureau(standin: str, clock: Clock) -> AsyncIterator[FinanceBureau]:
    client = FinanceBureau(standin, [TO_BUREAU], clock, read_timeout=1.0)
    yield client
    await client.aclose()


async def test_an_instruction_is_accepted_then_paid_once_released(
    bureau: FinanceBureau, control: StandInControl, receiver: CallbackReceiver
) -> None:
    sent = instruction()
    accepted = await bureau.instruct(sent, PURPOSE)
    assert isinstance(accepted, Accepted)
    assert await bureau.status(sent.instruction_id) == accepted
    assert await control.release() == {"paid": 1, "failed": 0, "callbacks": 1}
    await control.callbacks_when(answered(sent.instruction_id))
    (callback,) = receiver.received
    assert callback.answered == 204  # its signature held under the bureau's secret
    assert callback.body["status"] == "paid"
    assert callback.body["amount_yuan"] == 150_000
    paid = await bureau.status(sent.instruction_id)
    assert paid == PaidThere(callback.body["bank_reference"], paid.paid_at)  # type: ignore[union-attr]


async def test_a_repeat_is_the_first_answer_and_another_body_needs_an_operator(
    bureau: FinanceBureau, control: StandInControl
) -> None:
    sent = instruction()
    first = await bureau.instruct(sent, PURPOSE)
    assert await bureau.instruct(sent, PURPOSE) == first  # re-signed, same bytes: a repeat
    changed = sent.model_copy(update={"amount_yuan": 150_001})
    conflict = await bureau.instruct(changed, PURPOSE)
    assert isinstance(conflict, OperatorNeeded)
    assert "idempotency_conflict" in conflict.detail
    assert await control.release() == {"paid": 1, "failed": 0, "callbacks": 1}


async def test_9901_is_accepted_then_fails_account_closed_and_stays_failed(
    bureau: FinanceBureau, control: StandInControl, receiver: CallbackReceiver
) -> None:
    sent = instruction("9901")
    assert isinstance(await bureau.instruct(sent, PURPOSE), Accepted)
    assert await control.release() == {"paid": 0, "failed": 1, "callbacks": 1}
    await control.callbacks_when(answered(sent.instruction_id))
    assert receiver.received[0].body["reason"] == "account_closed"
    cancelled = await bureau.cancel(sent.instruction_id)
    assert isinstance(cancelled, FailedThere)
    assert cancelled.reason == "account_closed"


async def test_9902_is_refused_at_the_door_with_name_mismatch(
    bureau: FinanceBureau, control: StandInControl
) -> None:
    sent = instruction("9902")
    refused = await bureau.instruct(sent, PURPOSE)
    assert isinstance(refused, Refused)
    assert refused.reason == "name_mismatch"
    assert await bureau.instruct(sent, PURPOSE) == refused
    assert isinstance(await bureau.status(sent.instruction_id), FailedThere)
    assert await control.release() == {"paid": 0, "failed": 0, "callbacks": 0}


async def test_9903_answers_after_the_timeout_and_the_retry_of_the_same_id_pays_once(
    bureau: FinanceBureau, control: StandInControl, receiver: CallbackReceiver
) -> None:
    sent = instruction("9903")
    started = time.monotonic()
    timed_out = await bureau.instruct(sent, PURPOSE)
    assert isinstance(timed_out, TryAgain)
    assert time.monotonic() - started < SLOW_SECONDS  # our read timeout, not its answer
    retried = await bureau.instruct(sent, PURPOSE)
    assert isinstance(retried, Accepted)
    assert await control.release() == {"paid": 1, "failed": 0, "callbacks": 1}
    await control.callbacks_when(answered(sent.instruction_id))
    assert [r.body["status"] for r in receiver.received] == ["paid"]


async def test_9904_calls_back_its_one_payment_twice_with_two_callback_ids(
    bureau: FinanceBureau, control: StandInControl, receiver: CallbackReceiver
) -> None:
    sent = instruction("9904")
    await bureau.instruct(sent, PURPOSE)
    assert await control.release() == {"paid": 1, "failed": 0, "callbacks": 2}
    await control.callbacks_when(answered(sent.instruction_id, count=2))
    one, two = (r.body for r in receiver.received)
    assert one["callback_id"] != two["callback_id"]
    assert one["bank_reference"] == two["bank_reference"]


async def test_9905_calls_back_paid_once_more_an_hour_later_in_its_clock(
    bureau: FinanceBureau,
    control: StandInControl,
    receiver: CallbackReceiver,
    clock_file: Path,
) -> None:
    sent = instruction("9905")
    await bureau.instruct(sent, PURPOSE)
    await control.release()
    await control.callbacks_when(answered(sent.instruction_id))
    assert (await control.state())["late_pending"] == 1
    move_clock(clock_file, seconds=3601)  # both sides' clock: an hour and a second later
    await control.callbacks_when(answered(sent.instruction_id, count=2))
    first, late = (r.body for r in receiver.received)
    assert late["callback_id"] != first["callback_id"]
    assert (late["bank_reference"], late["at"]) == (first["bank_reference"], first["at"])


async def test_a_callback_answered_500_is_sent_again_until_answered_204(
    bureau: FinanceBureau, control: StandInControl, receiver: CallbackReceiver
) -> None:
    sent = instruction()
    receiver.fail_first.add(sent.instruction_id)
    await bureau.instruct(sent, PURPOSE)
    await control.release()
    (callback,) = await control.callbacks_when(answered(sent.instruction_id))
    assert callback["answers"] == [500, 204]
    assert [r.answered for r in receiver.received] == [500, 204]
    assert receiver.received[0].body == receiver.received[1].body


async def test_a_call_signed_with_another_secret_or_a_stale_clock_is_refused(
    standin: str, bureau: FinanceBureau, clock: Clock
) -> None:
    sent = instruction()
    stranger = FinanceBureau(standin, ["not-the-bureaus-secret-0123456789abcdef"], clock)
    stale = FinanceBureau(standin, [TO_BUREAU], lambda: clock().replace(year=2020))
    for caller in (stranger, stale):
        refused = await caller.instruct(sent, PURPOSE)
        await caller.aclose()
        assert isinstance(refused, OperatorNeeded)
        assert "401" in refused.detail
    assert await bureau.status(sent.instruction_id) == NotThere()


async def test_a_secret_being_replaced_is_accepted_beside_the_old_one(
    standin: str, clock: Clock
) -> None:
    rotating = FinanceBureau(standin, ["newer-qsfund-secret-0123456789abcdef", TO_BUREAU], clock)
    assert isinstance(await rotating.instruct(instruction(), PURPOSE), Accepted)
    await rotating.aclose()


async def test_a_cancel_before_arrival_keeps_the_instruction_out(
    bureau: FinanceBureau, control: StandInControl
) -> None:
    sent = instruction()
    assert await bureau.cancel(sent.instruction_id) == CancelledThere()
    assert await bureau.instruct(sent, PURPOSE) == CancelledThere()
    assert await bureau.status(sent.instruction_id) == CancelledThere()
    assert await control.release() == {"paid": 0, "failed": 0, "callbacks": 0}
    not_an_id = await bureau.cancel("x" * 61)  # the contract's ids have at most 60
    assert isinstance(not_an_id, OperatorNeeded)
    assert "400" in not_an_id.detail


async def test_a_cancel_stops_an_accepted_instruction_and_after_payment_says_paid(
    bureau: FinanceBureau, control: StandInControl, receiver: CallbackReceiver
) -> None:
    stopped, paid = instruction(), instruction()
    await bureau.instruct(stopped, PURPOSE)
    await bureau.instruct(paid, PURPOSE)
    assert await bureau.cancel(stopped.instruction_id) == CancelledThere()
    assert await control.release() == {"paid": 1, "failed": 0, "callbacks": 1}
    await control.callbacks_when(answered(paid.instruction_id))
    too_late = await bureau.cancel(paid.instruction_id)
    assert isinstance(too_late, PaidThere)
    assert too_late.bank_reference == receiver.received[0].body["bank_reference"]
    assert await bureau.status(stopped.instruction_id) == CancelledThere()


async def test_release_settles_everything_accepted_so_far_and_nothing_twice(
    bureau: FinanceBureau, control: StandInControl
) -> None:
    for suffix in ("0000", "9901", "0001", "9904"):
        await bureau.instruct(instruction(suffix), PURPOSE)
    assert await control.release() == {"paid": 3, "failed": 1, "callbacks": 5}
    assert await control.release() == {"paid": 0, "failed": 0, "callbacks": 0}
    counts = (await control.state())["instructions"]
    assert counts == {"accepted": 0, "paid": 3, "failed": 1, "cancelled": 0}
