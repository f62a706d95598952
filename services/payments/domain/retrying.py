"""When to send an unanswered instruction (or cancellation) again: 2, 4, 8 ... seconds
after each try, at most 10 minutes apart, for 24 hours from the first; then it is parked
for an operator, who asks the bureau its status first (docs/finance-contract.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

FIRST_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=10)
GIVE_UP_AFTER = timedelta(hours=24)
# 2 s doubled nine times is 1024 s, past the cap: no larger power is ever needed.
_LAST_DOUBLING = 9


def delay_after(attempts: int) -> timedelta:
    """The wait after `attempts` tries without a deciding answer (1 after the first)."""
    if attempts < 1:
        raise ValueError(f"attempts counts the tries made, at least 1, not {attempts}")
    return min(FIRST_DELAY * (1 << min(attempts - 1, _LAST_DOUBLING)), MAX_DELAY)


def next_try(attempts: int, first_tried: datetime, now: datetime) -> datetime | None:
    """When to try again after `attempts` tries, the last ending `now`; None when that
    would be more than 24 hours after the first try: park it for an operator."""
    at = now + delay_after(attempts)
    return at if at - first_tried <= GIVE_UP_AFTER else None
