"""What wakes the delivery workers: the consumer's commits of new notifications, rung in
this process, and a slow poll for what no commit announces (retries and looks for a
recipient falling due, an operator's retry, rows a crashed instance left).

A ring wakes one idle worker, or waits for the next to be idle. A ring while a woken
worker has yet to claim is absorbed: its claim comes after the ring, so it sees what
was committed before it. The poll rings only when no worker has claimed for its
interval, so under load it costs nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from shared.consumer import Apply
from shared.contracts import Contract
from shared.envelope import Envelope


class Doorbell:
    def __init__(self) -> None:
        self._rung: asyncio.Queue[None] = asyncio.Queue(maxsize=1)
        self._woken = False  # a worker is awake and has not claimed yet
        self._claimed_at = time.monotonic()

    def ring(self) -> None:
        """Notifications may be due: have a worker claim them."""
        if not self._woken and not self._rung.full():
            self._rung.put_nowait(None)

    async def wait(self) -> None:
        """Until this worker is the one to claim."""
        await self._rung.get()
        self._woken = True

    def claiming(self) -> None:
        """Said just before a claim is sent: a ring from now on needs a claim of its own."""
        self._woken = False
        self._claimed_at = time.monotonic()

    async def poll(self, every: float) -> None:
        """Ring whenever no worker has claimed for `every` seconds, until cancelled."""
        while True:
            idle = time.monotonic() - self._claimed_at
            if idle < every:
                await asyncio.sleep(every - idle)
                continue
            self.ring()
            await asyncio.sleep(every)


def ringing(apply: Apply, bell: Doorbell) -> Apply:
    """`apply`, and the bell rung once its transaction has committed (not before: a
    claim must be able to see the notifications it recorded)."""

    async def apply_then_ring(
        session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]
    ) -> None:
        await apply(session, events)
        event.listen(session.sync_session, "after_commit", lambda _: bell.ring(), once=True)

    return apply_then_ring
