"""The outbox relay: publishes a service's unpublished events to its topic, in order.

The relay is woken by the commits that write events: a transaction of this process that
inserted into the event table wakes it as its connection goes back to the pool (after
the commit, so the relay's next statement sees the rows). Events written by another
process (another instance of the service, an operator's tool) are found by a slow poll,
one cheap statement outside any transaction; a relay that finds work keeps going until
a batch comes back short. Running, it reads and marks on a connection of its own, never
waiting behind the service's requests for one of their pool.

A batch is read `FOR UPDATE` in position order, sent, every send acknowledged
(idempotent producer, acks=all), and only then marked published in the same
transaction. The row locks make relays of several instances take turns without any
other lock: a second relay reading while the first holds its batch waits at the first
locked row, and once the first commits, finds those rows published (PostgreSQL reads a
locked row again once its locker ends) and carries on behind them. So no two relays
send the same events, and none sends an aggregate's later event before its earlier one
is acknowledged. A crash anywhere before that commit republishes the batch: duplicates
are possible, loss and reordering are not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from sqlalchemy import BigInteger, Table, any_, bindparam, event, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import Insert

from shared.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.publishing import RecordPublisher

log = logging.getLogger(__name__)

# What a connection's `info` carries from an INSERT into the event table to its checkin.
_WROTE_EVENTS = "qsfund_wrote_events"
# What a compiled statement remembers of whether it inserts into an event table, by the
# table: worked out once per compiled form (SQLAlchemy caches those), not per execution.
_INSERTS_INTO = "_qsfund_inserts_into"


def inserts_into(statement: Any, table: Table) -> bool:
    """Whether `statement` inserts into `table`, itself or in any WITH it carries (the
    applications service writes its events in a CTE of the statement that writes the
    rows they change: an INSERT into another table, or a SELECT ... FOR UPDATE)."""
    return any(
        isinstance(element, Insert) and element.table is table
        for element in visitors.iterate(statement)
    )


def events_written(conn: AsyncConnection) -> None:
    """Say that `conn`'s transaction wrote events where SQLAlchemy's execution does not
    see them (statements sent to the asyncpg connection underneath): the relay is woken
    as the connection goes back to the pool, as for events written through SQLAlchemy."""
    conn.info[_WROTE_EVENTS] = True


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
        most_idle_seconds: float = 0.5,
    ) -> None:
        """`idle_seconds`: the least time between two batches, so that a burst of commits
        is sent as one batch rather than a transaction each; `most_idle_seconds`: the
        slow poll for events written by other processes."""
        self.engine = engine
        self.table = table
        self.publisher = publisher
        self.topic = topic
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.most_idle_seconds = most_idle_seconds
        self.written = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        # What the relay reads and marks on: the service's engine until `run` gives it a
        # connection of its own.
        self._work = engine
        t = table
        self._pending = (
            select(t.c.position, t.c.aggregate_id, t.c.event_type, t.c.body)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.position)
            .limit(batch_size)
            .with_for_update()
        )
        self._any_pending = select(t.c.position).where(t.c.published_at.is_(None)).limit(1)
        # `= ANY(array)`: one statement text, so one prepared statement, for any batch size
        # (an IN list is a text of its own for each length).
        self._mark = (
            update(t)
            .where(t.c.position == any_(bindparam("positions", type_=ARRAY(BigInteger))))
            .values(published_at=func.now())
        )
        self._watch_commits()

    def _watch_commits(self) -> None:
        """Wake the relay when a connection that inserted events is returned after its
        transaction: whatever wrote them (a session, a bare connection), on this engine."""
        sync_engine = self.engine.sync_engine

        @event.listens_for(sync_engine, "after_cursor_execute")
        def executed(conn: Any, cursor: Any, sql: str, params: Any, context: Any, *_: Any) -> None:
            compiled = getattr(context, "compiled", None)
            if compiled is None or compiled.statement is None:
                return  # a textual statement: no event table in it that we wrote
            known: dict[int, bool] = compiled.__dict__.setdefault(_INSERTS_INTO, {})
            writes = known.get(id(self.table))
            if writes is None:
                writes = known[id(self.table)] = inserts_into(compiled.statement, self.table)
            if writes:
                conn.info[_WROTE_EVENTS] = True

        @event.listens_for(sync_engine, "rollback")
        def rolled_back(conn: Any) -> None:
            # A connection invalidated under a cancelled statement has no `info` to read
            # (it raises), and raising here would turn the cancellation into an error the
            # relay retries: a stopping service then waited for its relay forever. Its
            # record's info is cleared when it connects again.
            if not conn.invalidated:
                conn.info.pop(_WROTE_EVENTS, None)

        @event.listens_for(sync_engine.pool, "checkin")
        def returned(dbapi_connection: Any, record: Any) -> None:
            if record is not None and record.info.pop(_WROTE_EVENTS, False):
                self._wake()

    def _wake(self) -> None:
        if self._loop is None:
            return  # not running: the first poll finds what was written
        if threading.get_ident() == self._thread:
            self.written.set()
        else:  # a connection returned from another thread (garbage collection)
            self._loop.call_soon_threadsafe(self.written.set)

    async def publish_pending(self) -> int:
        """Publish one batch; the number of events published (0 if there were none)."""
        async with self._work.begin() as conn:
            rows = (await conn.execute(self._pending)).all()
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
            await conn.execute(self._mark, {"positions": [row.position for row in rows]})
        EVENTS_PUBLISHED.labels(self.topic).inc(len(rows))
        return len(rows)

    def _autocommit(self) -> AsyncEngine:
        """Reads outside a transaction: a poll that finds nothing is one statement."""
        return self._work.execution_options(isolation_level="AUTOCOMMIT")

    async def any_pending(self) -> bool:
        async with self._autocommit().connect() as conn:
            return (await conn.scalar(self._any_pending)) is not None

    async def count_backlog(self) -> int:
        async with self._autocommit().connect() as conn:
            backlog = await conn.scalar(
                select(func.count()).where(self.table.c.published_at.is_(None))
            )
        OUTBOX_BACKLOG.labels(self.topic).set(backlog or 0)
        return int(backlog or 0)

    async def run(self) -> None:
        """Relay until cancelled, on a connection of its own: on the service's pool it
        waited behind the requests for one whenever they kept all of it busy (a second and
        more at a steady 100 filings a second), while the events it had to send waited."""
        self._work = create_async_engine(self.engine.url, pool_size=1, max_overflow=0)
        try:
            await self._relay()
        finally:
            work, self._work = self._work, self.engine
            await work.dispose()

    async def _relay(self) -> None:
        loop = self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        task = asyncio.current_task()
        assert task is not None
        failures = 0
        next_count = loop.time()
        woken = True  # whatever was written before the start
        while True:
            started = loop.time()
            try:
                # Cleared before the read: a commit from here on wakes the next round.
                self.written.clear()
                if woken or await self.any_pending():
                    published = await self.publish_pending()
                else:
                    published = 0
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                if task.cancelling():
                    # A cancellation a driver turned into an error is still a stop.
                    raise asyncio.CancelledError from None
                failures += 1
                log.exception("outbox relay failed; retrying", extra={"topic": self.topic})
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                woken = True
                continue
            if loop.time() >= next_count:  # a partial index makes this count cheap
                await self.count_backlog()
                next_count = loop.time() + 5
            if published == self.batch_size:
                woken = True  # more may be waiting: no need of a signal
                continue
            woken = await self._wait(self.most_idle_seconds)
            if woken:
                # Commits that come while this waits go in the same batch.
                await asyncio.sleep(max(0.0, started + self.idle_seconds - loop.time()))

    async def _wait(self, seconds: float) -> bool:
        """True when woken by a commit, False at the slow poll's time.

        `asyncio.timeout`, not `wait_for`: on Python 3.11, `wait_for` returns the inner
        result when its task is cancelled in the same turn as the event is set, so a
        service stopping just after a commit cancelled the relay and waited for it
        forever (it swallowed the cancellation and went on relaying)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.written.wait()
        return self.written.is_set()
