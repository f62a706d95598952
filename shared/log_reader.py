"""Reading the topics from the beginning, read-only: no consumer group, no commits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@asynccontextmanager
async def from_the_beginning(
    bootstrap: str, topics: list[str], partitions: Collection[int] | None = None
) -> AsyncIterator[tuple[AIOKafkaConsumer, dict[TopicPartition, tuple[int, int]]]]:
    """A consumer without a group, assigned every partition of the topics (or only those
    numbered in `partitions`) at its first offset, with each partition's (first, end)
    offsets as they were when it started."""
    # aiokafka's default fetch sizes (1 MiB a partition): with 8 MiB, a replay read through
    # its connection's ever larger buffer and spent a tenth more CPU an event.
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        # A consumer without a subscription knows no partitions yet: ask the cluster.
        cluster = await consumer._client.fetch_all_metadata()
        assigned = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(cluster.partitions_for_topic(topic) or ())
            if partitions is None or p in partitions
        ]
        bounds: dict[TopicPartition, tuple[int, int]] = {}
        if assigned:
            consumer.assign(assigned)
            await consumer.seek_to_beginning(*assigned)
            start = await consumer.beginning_offsets(assigned)
            end = await consumer.end_offsets(assigned)
            bounds = {tp: (start[tp], end[tp]) for tp in assigned}
        yield consumer, bounds
    finally:
        await consumer.stop()


async def partitions_of(bootstrap: str, topics: list[str]) -> dict[str, list[int]]:
    """Each topic's partition numbers, as the cluster has them now."""
    async with from_the_beginning(bootstrap, topics, partitions=()) as (consumer, _):
        cluster = await consumer._client.fetch_all_metadata()
        return {topic: sorted(cluster.partitions_for_topic(topic) or ()) for topic in topics}


async def read_records(
    bootstrap: str,
    topics: list[str],
    on_total: Callable[[int], None] = lambda _: None,
    partitions: Collection[int] | None = None,
) -> AsyncIterator[list[Any]]:
    """`read_log`'s records as aiokafka gives them (`topic`, `partition`, `offset`, `key`,
    `value`, `headers`), for a reader that cannot afford a copy of each of a million."""
    async with from_the_beginning(bootstrap, topics, partitions) as (consumer, bounds):
        end = {tp: last for tp, (_, last) in bounds.items()}
        on_total(sum(last - first for first, last in bounds.values()))
        remaining = {tp for tp, (first, last) in bounds.items() if last > first}
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=20_000)
            batch: list[Any] = []
            for tp, records in fetched.items():
                last = end[tp]
                if records and records[-1].offset < last:
                    batch += records
                else:
                    batch += [record for record in records if record.offset < last]
                if records and records[-1].offset + 1 >= last:
                    remaining.discard(tp)
            if batch:
                yield batch


async def read_log(
    bootstrap: str,
    topics: list[str],
    on_total: Callable[[int], None] = lambda _: None,
    partitions: Collection[int] | None = None,
) -> AsyncIterator[list[Record]]:
    """Every record now on the topics, in batches, each partition in its log order; stops
    at the end offsets found when it started, so a live system does not keep it going."""
    async for records in read_records(bootstrap, topics, on_total, partitions):
        yield [
            Record(
                r.topic,
                r.partition,
                r.offset,
                r.key or b"",
                r.value or b"",
                tuple(r.headers or ()),
            )
            for r in records
        ]


async def read_values(bootstrap: str, topics: list[str]) -> list[bytes]:
    """Every record's value now on the topics."""
    return [record.value async for batch in read_log(bootstrap, topics) for record in batch]
