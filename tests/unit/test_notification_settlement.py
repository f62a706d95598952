"""What a delivery worker writes back for each notification of its batch, without I/O."""

from datetime import UTC, datetime, timedelta

from services.notifications.domain.delivery import Attempted, RecipientWait, RetryPolicy
from services.notifications.domain.settlement import Attempt, after_attempt, after_look

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(attempts=3, base_seconds=10, factor=2)


def tried(number: int, result: Attempted) -> Attempt:
    return Attempt(number, NOW - timedelta(seconds=1), NOW, result)


def test_a_sent_notification_is_sent_at_its_attempt_and_keeps_its_earlier_error() -> None:
    settled = after_attempt(tried(2, Attempted(ok=True, reply="250 OK")), 0, POLICY)
    assert (settled.status, settled.attempts, settled.sent_at) == ("sent", 2, NOW)
    assert settled.last_error is None, "None leaves the error of the attempt before"
    assert settled.attempt is not None
    assert settled.attempt.number == 2


def test_a_failure_waits_for_the_next_try_until_the_last_then_parks() -> None:
    failed = Attempted(ok=False, error="HTTP 500", http_status=500)
    first, last = (
        after_attempt(tried(1, failed), 0, POLICY),
        after_attempt(tried(3, failed), 0, POLICY),
    )
    assert (first.status, first.due_at, first.last_error) == (
        "pending",
        NOW + timedelta(seconds=10),
        "HTTP 500",
    )
    assert (last.status, last.attempts, last.due_at, last.last_error) == (
        "parked",
        3,
        None,
        "HTTP 500",
    )
    assert last.attempt is not None, "the last attempt is logged too"


def test_a_refusal_before_sending_parks_at_once() -> None:
    refused = Attempted(ok=False, error="resolved to 127.0.0.1", park=True)
    assert after_attempt(tried(1, refused), 0, POLICY).status == "parked"


def test_looking_for_a_recipient_is_no_attempt_and_ends_some_time() -> None:
    wait = RecipientWait(interval_seconds=60, limit=2)
    looked = after_look(0, 1, wait, NOW, "app-1")
    assert (looked.status, looked.attempts, looked.recipient_waits, looked.due_at) == (
        "pending",
        0,
        2,
        NOW + timedelta(seconds=60),
    )
    assert looked.attempt is None
    given_up = after_look(0, 2, wait, NOW, "app-1")
    assert given_up.status == "parked"
    assert given_up.last_error == "no contact known for application app-1 after 3 looks"
