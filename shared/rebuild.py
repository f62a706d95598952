"""Rebuilding a service's projection from the topics into an empty schema, beside the
live one, and comparing the two: for operators after a bug fix or a schema change.

The live service keeps running: the log is read without a consumer group and nothing
is published; only the new schema is written.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine

from shared.contracts import Contract, parse_payload
from shared.envelope import Envelope
from shared.log_reader import read_values
from shared.settings import KafkaSettings

# Applies events in their order, as a consumer's handler does a transaction's worth.
Project = Callable[[AsyncSession, Sequence[tuple[Envelope, Contract]]], Awaitable[None]]


@dataclass(frozen=True)
class Compared:
    """One projection table and the columns compared: those the log decides."""

    table: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Projection:
    """What a service rebuilds: its projection's tables and the function that fills them."""

    metadata: MetaData
    tables: tuple[Table, ...]
    project: Project
    # Columns left out of the comparison: bookkeeping the log does not decide (random
    # row ids, delivery progress).
    not_from_the_log: dict[str, tuple[str, ...]]

    def compared(self) -> list[Compared]:
        skip = self.not_from_the_log
        return [
            Compared(t.name, tuple(c.name for c in t.columns if c.name not in skip.get(t.name, ())))
            for t in self.tables
        ]


def in_replay_order(records: Sequence[bytes]) -> list[tuple[Envelope, Contract]]:
    """Each event once, oldest first; each stream stays in version order."""
    seen: set[str] = set()
    events = []
    for raw in records:
        try:
            envelope = Envelope.decode(raw)
            event = parse_payload(envelope)
        except ValueError:
            continue  # dead-lettered when it was consumed live, too
        if str(envelope.event_id) in seen:
            continue
        seen.add(str(envelope.event_id))
        events.append((envelope, event))
    events.sort(key=lambda pair: (pair[0].occurred_at, pair[0].source, pair[0].aggregate_version))
    return events


async def rebuild(
    database_url: str, schema: str, projection: Projection, records: Sequence[bytes]
) -> int:
    """Fill `schema` (dropped and created anew) from the records; events applied."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            mapped = await conn.execution_options(schema_translate_map={None: schema})
            await mapped.run_sync(projection.metadata.create_all, tables=list(projection.tables))
        events = in_replay_order(records)
        for start in range(0, len(events), 1000):
            async with engine.connect() as conn:
                mapped = await conn.execution_options(schema_translate_map={None: schema})
                async with AsyncSession(bind=mapped) as session, session.begin():
                    await projection.project(session, events[start : start + 1000])
        return len(events)
    finally:
        await engine.dispose()


async def fingerprints(database_url: str, schema: str, projection: Projection) -> dict[str, str]:
    """A SHA-256 per table over its rows' compared columns, in a stable order."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return {c.table: await _fingerprint(conn, schema, c) for c in projection.compared()}
    finally:
        await engine.dispose()


async def _fingerprint(conn: AsyncConnection, schema: str, compared: Compared) -> str:
    columns = ", ".join(f'"{name}"' for name in compared.columns)
    rows = await conn.execute(
        text(f'SELECT ROW({columns})::text AS r FROM "{schema}"."{compared.table}" ORDER BY 1')
    )
    digest = hashlib.sha256()
    count = 0
    for (row,) in rows:
        digest.update(row.encode())
        digest.update(b"\n")
        count += 1
    return f"{count} rows, sha256 {digest.hexdigest()[:16]}"


def run_rebuild(
    service: str,
    database_url: str,
    projection: Projection,
    settings: KafkaSettings,
    topics: list[str],
    schema: str = "rebuilt",
) -> int:
    """The operator's command: rebuild from the topics the service's projection reads,
    print both fingerprints, exit 0 when they agree."""

    async def go() -> int:
        records = await read_values(settings.kafka_bootstrap_servers, topics)
        applied = await rebuild(database_url, schema, projection, records)
        live = await fingerprints(database_url, "public", projection)
        again = await fingerprints(database_url, schema, projection)
        print(f"{service}: rebuilt schema {schema!r} from {applied} events")
        for table in live:
            verdict = "equal" if live[table] == again[table] else "DIFFERENT"
            print(f"  {table:<24} live {live[table]}   rebuilt {again[table]}   {verdict}")
        return 0 if live == again else 1

    return asyncio.run(go())
