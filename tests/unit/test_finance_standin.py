"""The finance bureau stand-in's logic: what it answers each instruction, chosen by the
payee's account number, and that ids are remembered forever and outcomes are final."""

from datetime import UTC, datetime, timedelta

from standins.finance_bureau.bodies import Received
from standins.finance_bureau.bureau import Bureau

NOW = datetime(2027, 1, 6, 2, 15, tzinfo=UTC)


def instruction(suffix: str = "0000", n: int = 1, digest: str = "d1") -> Received:
    return Received(f"app-t1-a{n}", digest, 150_000, f"31006672601880{suffix}")


def test_an_instruction_is_accepted_then_paid_when_released_with_one_callback() -> None:
    bureau = Bureau()
    answer = bureau.receive(instruction(), NOW)
    assert (answer.status, answer.slow) == (202, False)
    reference = answer.body["bureau_reference"]
    settled, callbacks = bureau.release(NOW)
    assert [k.status for k in settled] == ["paid"]
    (callback,) = callbacks
    assert callback.body == {
        "callback_id": callback.callback_id,
        "instruction_id": "app-t1-a1",
        "status": "paid",
        "amount_yuan": 150_000,
        "bank_reference": settled[0].bank_reference,
        "at": "2027-01-06T02:15:00Z",
    }
    assert bureau.state("app-t1-a1").body["bureau_reference"] == reference
    assert bureau.release(NOW) == ([], [])  # paid once: released again, nothing more


def test_a_repeat_gets_the_first_answer_and_another_body_under_the_id_a_conflict() -> None:
    bureau = Bureau()
    first = bureau.receive(instruction(), NOW)
    repeat = bureau.receive(instruction(), NOW + timedelta(seconds=4))
    assert (repeat.status, repeat.body) == (200, first.body)
    assert bureau.receive(instruction(digest="d2"), NOW).body == {"error": "idempotency_conflict"}
    bureau.release(NOW)
    # Paid since: a repeat still gets the first answer, and pays nothing more.
    assert bureau.receive(instruction(), NOW).body == first.body
    assert bureau.counts()["paid"] == 1


def test_9901_fails_when_released_and_the_failure_is_final() -> None:
    bureau = Bureau()
    bureau.receive(instruction("9901"), NOW)
    settled, (callback,) = bureau.release(NOW)
    assert [k.status for k in settled] == ["failed"]
    assert callback.body["status"] == "failed"
    assert callback.body["reason"] == "account_closed"
    cancel = bureau.cancel("app-t1-a1")
    assert (cancel.status, cancel.body["status"]) == (409, "failed")
    assert bureau.release(NOW) == ([], [])


def test_9902_is_refused_at_the_door_and_refused_again_when_repeated() -> None:
    bureau = Bureau()
    answer = bureau.receive(instruction("9902"), NOW)
    assert (answer.status, answer.body["reason"]) == (422, "name_mismatch")
    assert bureau.receive(instruction("9902"), NOW) == answer
    assert bureau.state("app-t1-a1").body["status"] == "failed"
    assert bureau.release(NOW) == ([], [])


def test_9903s_first_answer_is_slow_its_repeat_is_not_and_it_pays_once() -> None:
    bureau = Bureau()
    assert bureau.receive(instruction("9903"), NOW).slow
    repeat = bureau.receive(instruction("9903"), NOW)
    assert (repeat.status, repeat.slow) == (200, False)
    _, callbacks = bureau.release(NOW)
    assert len(callbacks) == 1


def test_9904_calls_back_the_one_payment_twice_under_two_callback_ids() -> None:
    bureau = Bureau()
    bureau.receive(instruction("9904"), NOW)
    _, (one, two) = bureau.release(NOW)
    assert one.callback_id != two.callback_id
    same = {k: v for k, v in one.body.items() if k != "callback_id"}
    assert same == {k: v for k, v in two.body.items() if k != "callback_id"}


def test_9905_calls_back_paid_once_more_when_an_hour_has_passed_in_its_clock() -> None:
    bureau = Bureau(late_after=timedelta(hours=1))
    bureau.receive(instruction("9905"), NOW)
    _, (first,) = bureau.release(NOW)
    assert bureau.late_due(NOW + timedelta(minutes=59)) == []
    (late,) = bureau.late_due(NOW + timedelta(hours=1))
    assert late.callback_id != first.callback_id
    assert (late.body["bank_reference"], late.body["at"]) == (
        first.body["bank_reference"],
        first.body["at"],
    )
    assert bureau.late_due(NOW + timedelta(hours=2)) == []  # once


def test_a_cancel_before_arrival_is_remembered_and_the_instruction_refused() -> None:
    bureau = Bureau()
    assert bureau.cancel("app-t1-a1").status == 200
    assert bureau.receive(instruction(), NOW).body == {"error": "cancelled"}
    assert bureau.state("app-t1-a1").body["status"] == "cancelled"
    assert bureau.release(NOW) == ([], [])


def test_a_cancel_of_an_accepted_instruction_stops_it_one_after_payment_is_refused() -> None:
    bureau = Bureau()
    bureau.receive(instruction(n=1), NOW)
    bureau.receive(instruction(n=2), NOW)
    assert bureau.cancel("app-t1-a1").body["status"] == "cancelled"
    assert bureau.cancel("app-t1-a1").status == 200  # asked again: the same
    settled, _ = bureau.release(NOW)
    assert [k.received.instruction_id for k in settled] == ["app-t1-a2"]
    paid = bureau.cancel("app-t1-a2")
    assert (paid.status, paid.body["status"]) == (409, "paid")
    assert paid.body["paid_at"] == "2027-01-06T02:15:00Z"
    assert bureau.counts() == {"accepted": 0, "paid": 1, "failed": 0, "cancelled": 1}


def test_an_id_never_received_is_not_found() -> None:
    assert Bureau().state("app-t1-a1").status == 404
