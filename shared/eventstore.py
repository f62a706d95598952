"""Appending a service's events in the same transaction as its state change.

The event table is the service's event store and its outbox at once: a row is written
with the state change, and the relay publishes it later. A unique (aggregate id,
version) makes a stale writer fail instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared.clock import system_clock
from shared.contracts import Contract
from shared.db import as_arrays, insert_unnested
from shared.envelope import GENESIS_HASH, Actor, Envelope, seal


class ConcurrencyError(Exception):
    """Another writer appended to this aggregate since it was read."""


@dataclass(frozen=True)
class Cause:
    """Why events are being written: who decided, and what they answer to."""

    actor: Actor
    correlation_id: UUID
    causation_id: UUID | None = None

    @classmethod
    def following(cls, envelope: Envelope, actor: Actor) -> Cause:
        """The cause of events written in reaction to another event."""
        return cls(
            actor=actor, correlation_id=envelope.correlation_id, causation_id=envelope.event_id
        )


@dataclass(frozen=True)
class StreamHead:
    version: int = 0
    hash: str = GENESIS_HASH


Connectable = AsyncSession | AsyncConnection


class EventStore:
    def __init__(
        self, source: str, table: Table, clock: Callable[[], datetime] = system_clock
    ) -> None:
        self.source = source
        self.table = table
        # Stamps each event's occurred_at: the same clock the service decides by.
        self.clock = clock
        # One execution for a batch's events, where an executemany was one an event.
        self._insert = insert_unnested(table, EVENT_COLUMNS)

    async def stream(self, db: Connectable, aggregate_id: str) -> list[Envelope]:
        rows = await db.execute(
            select(self.table.c.body)
            .where(self.table.c.aggregate_id == aggregate_id)
            .order_by(self.table.c.aggregate_version)
        )
        return [Envelope.decode(body) for (body,) in rows]

    async def head(self, db: Connectable, aggregate_id: str) -> StreamHead:
        row = (
            await db.execute(
                select(self.table.c.aggregate_version, self.table.c.hash)
                .where(self.table.c.aggregate_id == aggregate_id)
                .order_by(self.table.c.aggregate_version.desc())
                .limit(1)
            )
        ).first()
        return StreamHead(row.aggregate_version, row.hash) if row else StreamHead()

    async def heads(self, db: Connectable, aggregate_ids: Sequence[str]) -> dict[str, StreamHead]:
        """Each aggregate's head in one query; one never written to is at the genesis."""
        rows = await db.execute(
            select(self.table.c.aggregate_id, self.table.c.aggregate_version, self.table.c.hash)
            .where(self.table.c.aggregate_id.in_(set(aggregate_ids)))
            .order_by(self.table.c.aggregate_id, self.table.c.aggregate_version.desc())
            .ext(distinct_on(self.table.c.aggregate_id))
        )
        found = {row.aggregate_id: StreamHead(row.aggregate_version, row.hash) for row in rows}
        return {
            aggregate_id: found.get(aggregate_id, StreamHead()) for aggregate_id in aggregate_ids
        }

    async def append(
        self, db: Connectable, head: StreamHead, events: Sequence[Contract], cause: Cause
    ) -> list[Envelope]:
        """Seal the events after `head` and insert them; ConcurrencyError if head is stale."""
        [sealed] = await self.append_each(db, [(head, events, cause)])
        return sealed

    async def append_each(
        self, db: Connectable, writes: Sequence[tuple[StreamHead, Sequence[Contract], Cause]]
    ) -> list[list[Envelope]]:
        """Append to several streams in one statement; ConcurrencyError if a head is stale."""
        sealed = self.seal_each(writes)
        rows = [event_row(envelope) for stream in sealed for envelope in stream]
        if not rows:
            return sealed
        try:
            await db.execute(self._insert, as_arrays(EVENT_COLUMNS, rows))
        except IntegrityError as error:
            raise stale_error(writes, sealed) from error
        return sealed

    def seal_each(
        self, writes: Sequence[tuple[StreamHead, Sequence[Contract], Cause]]
    ) -> list[list[Envelope]]:
        """Each write's events sealed after its head, not yet stored: for a service that
        stores them (event_row) in a statement of its own with the state they change; a
        unique-key refusal of them is then its stale_error."""
        return [self._seal_after(head, events, cause) for head, events, cause in writes]

    def _seal_after(
        self, head: StreamHead, events: Sequence[Contract], cause: Cause
    ) -> list[Envelope]:
        sealed: list[Envelope] = []
        previous = head
        now = self.clock()
        for event in events:
            envelope = seal(
                event_type=event.event_type,
                schema_version=event.schema_version,
                source=self.source,
                aggregate_type=event.aggregate_type,
                aggregate_id=event.aggregate_id(),
                aggregate_version=previous.version + 1,
                payload=event.model_dump(mode="json"),
                actor=cause.actor,
                correlation_id=cause.correlation_id,
                causation_id=cause.causation_id,
                previous_hash=previous.hash,
                occurred_at=now,
            )
            sealed.append(envelope)
            previous = StreamHead(envelope.aggregate_version, envelope.hash)
        return sealed


def stale_error(
    writes: Sequence[tuple[StreamHead, Sequence[Contract], Cause]], sealed: list[list[Envelope]]
) -> ConcurrencyError:
    """What refused writes (a unique key on the stream's version) were: a stale head."""
    return ConcurrencyError(_stale(writes, sealed))


def _stale(
    writes: Sequence[tuple[StreamHead, Sequence[Contract], Cause]], sealed: list[list[Envelope]]
) -> str:
    named = [
        (head, stream[0]) for (head, _, _), stream in zip(writes, sealed, strict=True) if stream
    ]
    if len(named) == 1:
        head, first = named[0]
        stream = f"{first.aggregate_type} {first.aggregate_id}"
        return f"{stream} changed since version {head.version} was read"
    streams = ", ".join(f"{first.aggregate_type} {first.aggregate_id}" for _, first in named)
    return f"one of {streams} changed since its head was read"


EVENT_COLUMNS = (
    "event_id",
    "aggregate_type",
    "aggregate_id",
    "aggregate_version",
    "event_type",
    "schema_version",
    "occurred_at",
    "hash",
    "body",
)


def event_row(envelope: Envelope) -> dict[str, object]:
    """The event table's row of a sealed event."""
    return {
        "event_id": envelope.event_id,
        "aggregate_type": envelope.aggregate_type,
        "aggregate_id": envelope.aggregate_id,
        "aggregate_version": envelope.aggregate_version,
        "event_type": envelope.event_type,
        "schema_version": envelope.schema_version,
        "occurred_at": envelope.occurred_at,
        "hash": envelope.hash,
        "body": envelope.encode().decode("utf-8"),
    }
