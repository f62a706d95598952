"""A fetch is applied in one transaction whatever partitions it spans, each partition's
events in their order; one that fails together is applied an event at a time, each
partition still in its order. The consumer runs on fakes of its session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any, cast

from shared.consumer import IdempotentConsumer
from shared.contracts.base import Contract
from shared.db import backbone_tables, new_metadata
from shared.envelope import Envelope
from tests.support.events import reviewed, stream, submitted


class FakeSessions:
    """Counts transactions; the inbox insert finds every event id new."""

    def __init__(self) -> None:
        self.begun = 0

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Any]:
        self.begun += 1

        async def execute(_: Any, columns: dict[str, list[Any]]) -> Any:
            return SimpleNamespace(scalars=lambda: columns["event_id"])

        yield SimpleNamespace(execute=execute)


def fetched() -> list[Any]:
    """Three applications' lifecycles over two topics and three partitions, as a fetch
    returns them: partition after partition, each in offset order."""
    records = []
    for topic, partition in [("a", 0), ("a", 1), ("b", 0)]:
        app = submitted()
        for offset, envelope in enumerate(stream([app, reviewed(app.application_id)])):
            value = envelope.encode()
            records.append(
                SimpleNamespace(topic=topic, partition=partition, offset=offset, value=value)
            )
    return records


def consumer(sessions: FakeSessions, applied: list[list[Envelope]], fail_together: bool) -> Any:
    async def apply(_: Any, events: Sequence[tuple[Envelope, Contract]]) -> None:
        if fail_together and len(events) > 1:
            raise ValueError("a bug only batches trigger")
        applied.append([envelope for envelope, _ in events])

    return IdempotentConsumer(
        name="test",
        sessions=cast(Any, sessions),
        inbox=backbone_tables(new_metadata()).inbox,
        apply=apply,
        dead_letters=cast(Any, None),
    )


def per_aggregate(envelopes: list[Envelope]) -> dict[str, list[int]]:
    versions: dict[str, list[int]] = {}
    for envelope in envelopes:
        versions.setdefault(envelope.aggregate_id, []).append(envelope.aggregate_version)
    return versions


async def test_a_fetch_over_several_partitions_is_one_transaction_in_each_partitions_order() -> (
    None
):
    sessions, applied = FakeSessions(), list[list[Envelope]]()
    records = fetched()
    await consumer(sessions, applied, fail_together=False).consume_batch(records)
    assert sessions.begun == 1
    [together] = applied
    assert [e.encode() for e in together] == [r.value for r in records]


async def test_a_fetch_that_fails_together_is_applied_an_event_at_a_time_in_order() -> None:
    sessions, applied = FakeSessions(), list[list[Envelope]]()
    records = fetched()
    await consumer(sessions, applied, fail_together=True).consume_batch(records)
    assert sessions.begun == 1 + len(records)
    alone = [envelope for [envelope] in applied]
    assert sorted(e.event_id for e in alone) == sorted(
        Envelope.decode(r.value).event_id for r in records
    )
    assert all(versions == [1, 2] for versions in per_aggregate(alone).values())
