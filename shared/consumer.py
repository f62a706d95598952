"""The idempotent consumer: apply events and remember them in one transaction, then
commit the Kafka offsets.

faststream has no Kafka transactions, so exactly-once effect comes from at-least-once
delivery plus this inbox: a redelivered event finds its id already recorded and
changes nothing. Records come in batches (a fetch); a whole batch, every partition's
share in its partition's order, is applied in one transaction (inbox rows, projection and
new events together): at a few records a partition a fetch, a transaction a partition
cost most of the consumers' statements. A batch that fails for a reason other than an
outage is applied again one event at a time (the partitions side by side, each in its
order), so one bad event is parked alone and the rest still land. Nothing raises into
faststream: a broken event is parked in the dead-letter topic and committed past; a
database outage is waited out without committing, so no commit skips an unapplied event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.dml import ReturningInsert

from shared.contracts import Contract, UnknownEventType, UnknownSchemaVersion, parse_payload
from shared.db import as_arrays, insert_unnested
from shared.deadletter import DeadLetters
from shared.envelope import Envelope
from shared.logs import correlation_id
from shared.metrics import BATCH_EVENTS, EVENTS_CONSUMED, HANDLER_SECONDS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivered:
    """A record that decoded into a known event."""

    record: Any
    envelope: Envelope
    contract: Contract


# Applies, in one transaction and in their order, the events first seen in it: a handler
# that takes them together can do in one statement what each would do in one of its own.
Apply = Callable[[AsyncSession, Sequence[tuple[Envelope, Contract]]], Awaitable[None]]


UNDECODABLE = (ValidationError, UnknownEventType, UnknownSchemaVersion, UnicodeDecodeError)
TRANSIENT = (OperationalError, InterfaceError, OSError, ConnectionError, asyncio.TimeoutError)
# Deadlock and serialization failures: another transaction won; the same work will pass.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS_BEFORE_PARKING = 5


def is_transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT):
        return True
    if not isinstance(error, DBAPIError):
        return False
    return error.connection_invalidated or (
        getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    )


def backoff(failures: int) -> float:
    return min(0.1 * 2.0**failures, 5.0)


INBOX_COLUMNS = ("event_id", "topic", "partition", "offset")


def _recording(inbox: Table) -> ReturningInsert[Any]:
    """The inbox rows of a batch in one statement text whatever the batch's size (a
    multi-row VALUES is a text, parsed and planned anew, for each size)."""
    return (
        insert_unnested(inbox, INBOX_COLUMNS).on_conflict_do_nothing().returning(inbox.c.event_id)
    )


class IdempotentConsumer:
    def __init__(
        self,
        *,
        name: str,
        sessions: async_sessionmaker[AsyncSession],
        inbox: Table,
        apply: Apply,
        dead_letters: DeadLetters,
        partition_concurrency: int = 4,
    ) -> None:
        self.name = name
        self.sessions = sessions
        self.inbox = inbox
        self.apply = apply
        self.dead_letters = dead_letters
        self.lanes = asyncio.Semaphore(partition_concurrency)
        self._record = _recording(inbox)

    async def consume_batch(self, records: Sequence[Any]) -> None:
        """Apply a batch exactly once in effect; returns when all of it may be committed."""
        by_partition: dict[tuple[str, int], list[Delivered]] = {}
        for record in records:
            delivered = await self._decode_or_park(record)
            if delivered is not None:
                by_partition.setdefault((record.topic, record.partition), []).append(delivered)
        # Partition after partition: each keeps its order, and no order between
        # partitions is promised (nor was one before: they were applied side by side).
        events = [event for lane in by_partition.values() for event in lane]
        if len(events) > 1 and await self._apply_together(events):
            return
        await asyncio.gather(*(self._consume_lane(lane) for lane in by_partition.values()))

    async def _decode_or_park(self, record: Any) -> Delivered | None:
        try:
            envelope = Envelope.decode(record.value or b"")
            return Delivered(record, envelope, parse_payload(envelope))
        except UNDECODABLE as error:
            log.warning("dead-lettering undecodable record: %s", error)
            await self.dead_letters.park(record, error)
            EVENTS_CONSUMED.labels(self.name, "undecodable", "dead_lettered").inc()
            return None

    async def _consume_lane(self, events: list[Delivered]) -> None:
        """One partition's share of a batch that failed together: one event at a time."""
        async with self.lanes:
            for event in events:
                await self._apply_alone(event)

    async def _apply_together(self, events: list[Delivered]) -> bool:
        """True once the whole lane is applied; False if it must go one event at a time."""
        # Lines about the batch carry each of its correlation ids, so grepping one
        # application's id finds them too.
        ids = dict.fromkeys(str(e.envelope.correlation_id) for e in events)
        context = correlation_id.set(",".join(ids))
        try:
            return await self._apply_batch(events)
        finally:
            correlation_id.reset(context)

    async def _apply_batch(self, events: list[Delivered]) -> bool:
        failures = 0
        while True:
            started = time.perf_counter()
            try:
                fresh = await self.apply_once(events)
            except Exception as error:
                if not is_transient(error):
                    log.warning("a batch of %d failed (%s); one at a time", len(events), error)
                    return False
                failures += 1
                log.warning("applying a batch of %d failed (%s); retrying", len(events), error)
                await asyncio.sleep(backoff(failures))
                continue
            self._count(events, fresh, time.perf_counter() - started)
            return True

    async def _apply_alone(self, event: Delivered) -> None:
        context = correlation_id.set(str(event.envelope.correlation_id))
        started = time.perf_counter()
        try:
            outcome = await self._apply_until_settled(event)
        finally:
            correlation_id.reset(context)
        HANDLER_SECONDS.labels(self.name).observe(time.perf_counter() - started)
        EVENTS_CONSUMED.labels(self.name, event.envelope.event_type, outcome).inc()

    async def _apply_until_settled(self, event: Delivered) -> str:
        """What became of the event: applied, duplicate or dead_lettered."""
        failures = 0
        while True:
            try:
                fresh = await self.apply_once([event])
                return "applied" if fresh else "duplicate"
            except Exception as error:
                failures += 1
                if not is_transient(error) and failures >= ATTEMPTS_BEFORE_PARKING:
                    log.exception(
                        "dead-lettering %s after %d failures", event.envelope.event_id, failures
                    )
                    await self.dead_letters.park(event.record, error)
                    return "dead_lettered"
                log.warning("applying %s failed (%s); retrying", event.envelope.event_id, error)
                await asyncio.sleep(backoff(failures))

    async def apply_once(self, events: Sequence[Delivered]) -> list[Delivered]:
        """Apply, in one transaction, the events not applied before; returns those."""
        async with self.sessions.begin() as session:
            fresh = await self._remember(session, events)
            if fresh:
                await self.apply(session, [(e.envelope, e.contract) for e in fresh])
        return fresh

    async def _remember(
        self, session: AsyncSession, events: Sequence[Delivered]
    ) -> list[Delivered]:
        """Record the events in the inbox; those already there were applied before."""
        first: dict[Any, Delivered] = {}
        for event in events:  # a relay that crashed mid-batch may have sent one twice
            first.setdefault(event.envelope.event_id, event)
        rows = [
            {
                "event_id": event_id,
                "topic": event.record.topic,
                "partition": event.record.partition,
                "offset": event.record.offset,
            }
            for event_id, event in first.items()
        ]
        inserted = await session.execute(self._record, as_arrays(INBOX_COLUMNS, rows))
        new = set(inserted.scalars())
        return [event for event_id, event in first.items() if event_id in new]

    def _count(self, events: list[Delivered], fresh: list[Delivered], seconds: float) -> None:
        BATCH_EVENTS.labels(self.name).observe(len(events))
        # Each event's share of its batch, so the histogram stays per event.
        handler_seconds = HANDLER_SECONDS.labels(self.name)
        for _ in events:
            handler_seconds.observe(seconds / len(events))
        new = {id(event) for event in fresh}
        outcomes = Counter(
            (event.envelope.event_type, "applied" if id(event) in new else "duplicate")
            for event in events
        )
        for (event_type, outcome), count in outcomes.items():
            EVENTS_CONSUMED.labels(self.name, event_type, outcome).inc(count)
