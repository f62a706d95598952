"""The outbox relay: publishes a service's unpublished events to its topic, in order.

One relay at a time per service database holds a transaction-scoped advisory lock, so
scaled-out instances never publish the same aggregate's events concurrently. A batch is
sent, every send is acknowledged (idempotent producer, acks=all), and only then marked
published in the same transaction that held the lock. A crash anywhere before that
commit republishes the batch: duplicates are possible, loss and reordering are not.
"""

from __future__ import annotations

import asyncio
import logging
import zlib

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.publishing import RecordPublisher

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        table: Table,
        publisher: RecordPublisher,
        topic: str,
        batch_size: int = 500,
        idle_seconds: float = 0.02,
        most_idle_seconds: float = 0.1,
    ) -> None:
        self.engine = engine
        self.table = table
        self.publisher = publisher
        self.topic = topic
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.most_idle_seconds = most_idle_seconds
        self.lock_key = zlib.crc32(f"outbox-relay:{topic}".encode())

    async def publish_pending(self) -> int:
        """Publish one batch; the number of events published (0 if none or not leader)."""
        t = self.table
        async with self.engine.begin() as conn:
            leader = await conn.scalar(select(func.pg_try_advisory_xact_lock(self.lock_key)))
            if not leader:
                return 0
            rows = (
                await conn.execute(
                    select(t.c.position, t.c.aggregate_id, t.c.event_type, t.c.body)
                    .where(t.c.published_at.is_(None))
                    .order_by(t.c.position)
                    .limit(self.batch_size)
                )
            ).all()
            if not rows:
                return 0
            pending = [
                await self.publisher.send(
                    self.topic,
                    row.aggregate_id.encode(),
                    row.body.encode(),
                    {"event-type": row.event_type},
                )
                for row in rows
            ]
            await asyncio.gather(*pending)
            await conn.execute(
                update(t)
                .where(t.c.position.in_([row.position for row in rows]))
                .values(published_at=func.now())
            )
        EVENTS_PUBLISHED.labels(self.topic).inc(len(rows))
        return len(rows)

    async def count_backlog(self) -> int:
        async with self.engine.connect() as conn:
            backlog = await conn.scalar(
                select(func.count()).where(self.table.c.published_at.is_(None))
            )
        OUTBOX_BACKLOG.labels(self.topic).set(backlog or 0)
        return int(backlog or 0)

    async def run(self) -> None:
        """Relay until cancelled, backing off while the database or broker is away."""
        failures = 0
        loop = asyncio.get_running_loop()
        next_count = loop.time()
        # Polls come quick while there is work and slow down while there is none (or
        # another instance leads): an idle poll is a transaction of its own.
        idle = self.idle_seconds
        while True:
            try:
                published = await self.publish_pending()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                log.exception("outbox relay failed; retrying", extra={"topic": self.topic})
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                continue
            idle = self.idle_seconds if published else min(idle * 2, self.most_idle_seconds)
            if published < self.batch_size:
                await asyncio.sleep(idle)
            if loop.time() >= next_count:  # a partial index makes this count cheap
                await self.count_backlog()
                next_count = loop.time() + 5
