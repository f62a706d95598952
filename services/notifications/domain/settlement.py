"""What becomes of a claimed notification after its turn in the delivery loop: the row's
new values and the attempt it cost, decided without I/O so that a whole batch is written
back in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .delivery import PARKED, PENDING, SENT, Attempted, RecipientWait, RetryPolicy


@dataclass(frozen=True)
class Attempt:
    """One try at sending, as the delivery log records it."""

    number: int
    started_at: datetime
    finished_at: datetime
    result: Attempted


@dataclass(frozen=True)
class Settled:
    """A notification's row after its turn. None leaves a column as it was: a sent
    notification keeps the error of the attempt before, a parked one its due time."""

    status: str
    attempts: int
    recipient_waits: int
    due_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    # The attempt to log; None for a look for a recipient or a refusal before sending.
    attempt: Attempt | None = None

    @property
    def parked(self) -> bool:
        return self.status == PARKED


def after_attempt(attempt: Attempt, recipient_waits: int, retry: RetryPolicy) -> Settled:
    """Sent; or pending again at the policy's next try; or parked when the policy gives
    up, or the sender refused outright (it would refuse again)."""
    result, at = attempt.result, attempt.finished_at
    if result.ok:
        return Settled(SENT, attempt.number, recipient_waits, sent_at=at, attempt=attempt)
    reason = result.error or "failed"
    next_try = None if result.park else retry.next_try(attempt.number, at)
    status = PARKED if next_try is None else PENDING
    return Settled(
        status, attempt.number, recipient_waits, next_try, last_error=reason, attempt=attempt
    )


def after_look(
    attempts: int, recipient_waits: int, wait: RecipientWait, now: datetime, application_id: str
) -> Settled:
    """No recipient known yet: not an attempt (the ApplicationSubmitted may simply not
    have been consumed yet), but the looks are counted, and after the last it is parked."""
    waits = recipient_waits + 1
    next_look = wait.next_look(recipient_waits, now)
    if next_look is None:
        reason = f"no contact known for application {application_id} after {waits} looks"
        return Settled(PARKED, attempts, recipient_waits, last_error=reason)
    return Settled(PENDING, attempts, waits, due_at=next_look)


def unsendable(attempts: int, recipient_waits: int, reason: str) -> Settled:
    """Nowhere to send it: parked for an operator, no attempt spent."""
    return Settled(PARKED, attempts, recipient_waits, last_error=reason)
