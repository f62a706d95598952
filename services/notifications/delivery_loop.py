"""The delivery loop: sends pending notifications, outside the consumer's transaction
(the rules it follows are `domain.delivery` and `domain.settlement`).

A worker wakes when the doorbell rings (doorbell.py): when the consumer has committed
new notifications, or at a slow poll. It claims a batch of due notifications with
SELECT ... FOR UPDATE SKIP LOCKED LIMIT n, so the workers of this and every other
instance share the queue without taking the same row. It sends the batch concurrently,
and writes every attempt and outcome back in one statement, committed with the rows'
locks. A crash, or a failed commit, between the sends and that commit leaves the rows
pending and they are sent once more: delivery is at-least-once, and the event id (the
X-Qsfund-Event-Id header, the email's Message-ID) lets a receiver deduplicate. A send
that fails costs only its own notification an attempt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.metrics import WEBHOOK_FAILURES

from .adapters import queue
from .adapters.queue import Due
from .adapters.sealing import SecretBox
from .adapters.smtp import SmtpSender
from .adapters.webhook import WebhookSender
from .domain import webhook
from .domain.delivery import (
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
from .domain.settlement import Attempt, Settled, after_attempt, after_look, unsendable
from .doorbell import Doorbell

log = logging.getLogger(__name__)


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
    batch: int = 32
    linger_seconds: float = 0.2
    bell: Doorbell = field(default_factory=Doorbell)

    async def run(self) -> None:
        """Deliver until cancelled, up to `workers` batches at a time."""
        workers = (self._work() for _ in range(self.workers))
        await asyncio.gather(self.bell.poll(self.poll_seconds), *workers)

    async def _work(self) -> None:
        failures = 0
        while True:
            await self.bell.wait()
            # Let the commits of the next moments join the batch: an email up to a fifth
            # of a second later, for four statements a batch rather than a commit.
            await asyncio.sleep(self.linger_seconds)
            try:
                while await self.deliver_due() == self.batch:
                    self.bell.ring()  # more may be due: another idle worker shares them
                failures = 0
            except Exception:
                failures += 1
                log.exception("notification delivery failed; retrying")
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                self.bell.ring()

    async def deliver_due(self) -> int:
        """Claim, send and settle a batch of due notifications; how many there were."""
        self.bell.claiming()
        async with self.sessions.begin() as session:
            due = await queue.claim_due(session, self.batch)
            settled = await asyncio.gather(*(self._turn(d) for d in due))
            await queue.settle(session, [(d.id, s) for d, s in zip(due, settled, strict=True)])
        for d, s in zip(due, settled, strict=True):
            if s.parked:
                log.warning("notification %s parked: %s", d.id, s.last_error)
        return len(due)

    async def _turn(self, due: Due) -> Settled:
        match route(due.channel, due.email, due.endpoint):
            case EmailTo(address):
                return await self._attempt(due, self._mail(due, address))
            case PostTo(url, secrets):
                return await self._attempt(due, self._post(due, url, secrets))
            case AwaitRecipient():
                return after_look(
                    due.attempts,
                    due.recipient_waits,
                    self.recipient_wait,
                    self.clock(),
                    due.application_id,
                )
            case Unsendable(reason):
                return unsendable(due.attempts, due.recipient_waits, reason)

    async def _mail(self, due: Due, address: str) -> Attempted:
        text = email_text(due.summary, due.application_id)
        return await self.smtp.send(
            to=address, subject=due.subject, text=text, event_id=due.event_id
        )

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

    async def _attempt(self, due: Due, send: Coroutine[Any, Any, Attempted]) -> Settled:
        started_at = self.clock()
        try:
            result = await send
        except Exception as error:
            # A sender's bug must cost this notification an attempt, not stall the queue.
            log.exception("sending notification %s raised", due.id)
            result = Attempted(ok=False, error=f"{type(error).__name__}: {error}"[:2000])
        if not result.ok and due.channel == "webhook":
            WEBHOOK_FAILURES.inc()
        attempt = Attempt(due.attempts + 1, started_at, self.clock(), result)
        return after_attempt(attempt, due.recipient_waits, self.retry)
