"""Reading the topics from the beginning, read-only: no consumer group, no commits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

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
    bootstrap: str, topics: list[str]
) -> AsyncIterator[tuple[AIOKafkaConsumer, dict[TopicPartition, tuple[int, int]]]]:
    """A consumer without a group, assigned every partition of the topics at its first
    offset, with each partition's (first, end) offsets as they were when it started."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    try:
        # A consumer without a subscription knows no partitions yet: ask the cluster.
        cluster = await consumer._client.fetch_all_metadata()
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(cluster.partitions_for_topic(topic) or ())
        ]
        bounds: dict[TopicPartition, tuple[int, int]] = {}
        if partitions:
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            start = await consumer.beginning_offsets(partitions)
            end = await consumer.end_offsets(partitions)
            bounds = {tp: (start[tp], end[tp]) for tp in partitions}
        yield consumer, bounds
    finally:
        await consumer.stop()


async def read_log(
    bootstrap: str,
    topics: list[str],
    on_total: Callable[[int], None] = lambda _: None,
) -> AsyncIterator[list[Record]]:
    """Every record now on the topics, in batches, each partition in its log order; stops
    at the end offsets found when it started, so a live system does not keep it going."""
    async with from_the_beginning(bootstrap, topics) as (consumer, bounds):
        end = {tp: last for tp, (_, last) in bounds.items()}
        on_total(sum(last - first for first, last in bounds.values()))
        remaining = {tp for tp, (first, last) in bounds.items() if last > first}
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=20_000)
            batch = []
            for tp, records in fetched.items():
                for record in records:
                    if record.offset < end[tp]:
                        key, value = record.key or b"", record.value or b""
                        headers = tuple(record.headers or ())
                        batch.append(
                            Record(tp.topic, tp.partition, record.offset, key, value, headers)
                        )
                if records and records[-1].offset + 1 >= end[tp]:
                    remaining.discard(tp)
            if batch:
                yield batch


async def read_values(bootstrap: str, topics: list[str]) -> list[bytes]:
    """Every record's value now on the topics."""
    return [record.value async for batch in read_log(bootstrap, topics) for record in batch]
