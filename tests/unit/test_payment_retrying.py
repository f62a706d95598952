"""When an unanswered instruction is sent again, and when it is parked for an operator."""

from datetime import UTC, datetime, timedelta

import pytest

from services.payments.domain.retrying import delay_after, next_try

FIRST = datetime(2027, 1, 6, 2, 15, tzinfo=UTC)


def test_the_waits_double_from_two_seconds_and_stop_at_ten_minutes() -> None:
    waits = [delay_after(n).total_seconds() for n in range(1, 12)]
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]
    assert delay_after(10_000) == timedelta(minutes=10)  # no overflow however many tries


def test_the_next_try_is_the_wait_after_the_last_one() -> None:
    last = FIRST + timedelta(seconds=7)
    assert next_try(3, FIRST, last) == last + timedelta(seconds=8)


def test_a_try_exactly_24_hours_after_the_first_is_made_one_later_is_parked() -> None:
    wait = timedelta(minutes=10)
    assert next_try(20, FIRST, FIRST + timedelta(hours=24) - wait) == FIRST + timedelta(hours=24)
    assert next_try(20, FIRST, FIRST + timedelta(hours=24) - wait + timedelta(seconds=1)) is None


def test_no_tries_made_is_a_mistake_of_the_caller() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        delay_after(0)
