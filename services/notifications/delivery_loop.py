"""The delivery loop: sends pending notifications, outside the consumer's transaction
(the rules it follows are `domain.delivery`).

Each worker claims one due notification with SELECT ... FOR UPDATE SKIP LOCKED, so the
workers of this and every other instance share the queue without taking the same row.
The row stays locked while it is sent, and the attempt and its outcome are committed
with that lock. A crash, or a failed commit, between the send and that commit leaves
the row pending and it is sent once more: delivery is at-least-once, and the event id
(the X-Qsfund-Event-Id header, the email's Message-ID) lets a receiver deduplicate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.metrics import WEBHOOK_FAILURES

from .adapters import queue
from .adapters.queue import Due
from .adapters.sealing import SecretBox
from .adapters.smtp import SmtpSender
from .adapters.webhook import WebhookSender
from .domain import webhook
from .domain.delivery import (
    PENDING,
    Attempted,
    AwaitRecipient,
    EmailTo,
    PostTo,
    RecipientWait,
    RetryPolicy,
    Unsendable,
    route,
)
from .domain.messages import email_text

log = logging.getLogger(__name__)

Send = Callable[[], Awaitable[Attempted]]


@dataclass
class DeliveryLoop:
    sessions: async_sessionmaker[AsyncSession]
    smtp: SmtpSender
    webhooks: WebhookSender
    retry: RetryPolicy
    recipient_wait: RecipientWait
    clock: Callable[[], datetime]
    box: SecretBox
    poll_seconds: float = 0.5
    workers: int = 4

    async def run(self) -> None:
        """Deliver until cancelled, `workers` notifications at a time."""
        await asyncio.gather(*(self._work() for _ in range(self.workers)))

    async def _work(self) -> None:
        failures = 0
        while True:
            try:
                delivered = await self.deliver_next()
                failures = 0
            except Exception:
                failures += 1
                log.exception("notification delivery failed; retrying")
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                continue
            if not delivered:
                await asyncio.sleep(self.poll_seconds)

    async def deliver_next(self) -> bool:
        """Claim, send and settle one due notification; False if none is due."""
        async with self.sessions.begin() as session:
            due = await queue.claim_due(session)
            if due is None:
                return False
            match route(due.channel, due.email, due.endpoint):
                case EmailTo(address):
                    text = email_text(due.summary, due.application_id)
                    await self._attempt(
                        session,
                        due,
                        lambda: self.smtp.send(
                            to=address, subject=due.subject, text=text, event_id=due.event_id
                        ),
                    )
                case PostTo(url, secrets):
                    await self._attempt(session, due, lambda: self._post(due, url, secrets))
                case AwaitRecipient():
                    await self._wait_for_recipient(session, due)
                case Unsendable(reason):
                    await queue.parked(session, due.id, due.attempts, reason)
        return True

    async def _post(self, due: Due, url: str, secrets: tuple[str, ...]) -> Attempted:
        # Opened here, inside the attempt: a secret that does not open (its key dropped
        # too early) costs this notification an attempt and does not stall the queue.
        assert due.webhook_id is not None  # a PostTo comes of a registered webhook
        opened = tuple(self.box.open(secret, due.webhook_id) for secret in secrets)
        body = webhook.body(
            event_id=due.event_id,
            event_type=due.event_type,
            application_id=due.application_id,
            occurred_at=due.occurred_at,
            subject=due.subject,
            summary=due.summary,
            round_id=due.round_id,
        )
        timestamp = int(self.clock().timestamp())
        return await self.webhooks.post(
            url=url, secrets=opened, body=body, event_id=str(due.event_id), timestamp=timestamp
        )

    async def _attempt(self, session: AsyncSession, due: Due, send: Send) -> None:
        attempt = due.attempts + 1
        started_at = self.clock()
        try:
            result = await send()
        except Exception as error:
            # A sender's bug must cost this notification an attempt, not stall the queue.
            log.exception("sending notification %s raised", due.id)
            result = Attempted(ok=False, error=f"{type(error).__name__}: {error}"[:2000])
        finished_at = self.clock()
        if not result.ok and due.channel == "webhook":
            WEBHOOK_FAILURES.inc()
        await queue.log_attempt(session, due.id, attempt, started_at, finished_at, result)
        if result.ok:
            await queue.sent(session, due.id, attempt, finished_at)
            return
        reason = result.error or "failed"
        next_try = None if result.park else self.retry.next_try(attempt, finished_at)
        if next_try is None:
            log.warning("notification %s parked after %d attempts: %s", due.id, attempt, reason)
            await queue.parked(session, due.id, attempt, reason)
        else:
            await queue.settle(
                session,
                due.id,
                status=PENDING,
                attempts=attempt,
                due_at=next_try,
                last_error=reason,
            )

    async def _wait_for_recipient(self, session: AsyncSession, due: Due) -> None:
        # Not an attempt: the ApplicationSubmitted may simply not have been consumed yet.
        waits = due.recipient_waits + 1
        next_look = self.recipient_wait.next_look(due.recipient_waits, self.clock())
        if next_look is None:
            reason = f"no contact known for application {due.application_id} after {waits} looks"
            await queue.parked(session, due.id, due.attempts, reason)
        else:
            await queue.settle(session, due.id, recipient_waits=waits, due_at=next_look)
