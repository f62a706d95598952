"""Reading and writing topics directly, the way an auditor or a misbehaving peer would."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def read_all(bootstrap: str, topic: str, expect: int, within: float = 60) -> list[Any]:
    """Every record on the topic from the beginning, once at least `expect` have arrived."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + within
        while len(records) < expect and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
        # Drain a little longer so duplicates beyond `expect` are seen too.
        for _ in range(3):
            batch = await consumer.getmany(timeout_ms=300)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    return records


async def produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for key, value in records:
            await producer.send(topic, value=value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def consumed_to_end(bootstrap: str, group: str, topic: str, within: float = 60) -> None:
    """Wait until `group` has committed, on every partition of `topic`, the offset after
    its last record: the consumer has moved past everything produced so far (it commits
    only once the records' effects are in its database)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await probe.start()
    try:
        partitions = [
            TopicPartition(topic, p) for p in sorted(probe.partitions_for_topic(topic) or ())
        ]
        ends = await probe.end_offsets(partitions)
        deadline = asyncio.get_running_loop().time() + within
        while True:
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
            behind = {
                tp: end
                for tp, end in ends.items()
                if end > 0 and (tp not in committed or committed[tp].offset < end)
            }
            if not behind:
                return
            assert asyncio.get_running_loop().time() < deadline, f"{group} behind on {behind}"
            await asyncio.sleep(0.1)
    finally:
        await probe.stop()
        await admin.close()


async def delete_topics(bootstrap: str, topics: list[str]) -> None:
    """Remove a test's topics once it is done: the broker holds a file open for each
    partition, and a suite that leaves thousands behind runs out of descriptors."""
    try:
        await asyncio.wait_for(_delete(bootstrap, topics), DELETE_SECONDS)
    except TimeoutError:
        # Clean-up only: a broker slow to answer must not hang the suite (a full run once
        # sat for minutes in this teardown while other runs loaded the shared broker).
        warnings.warn(f"topics not deleted within {DELETE_SECONDS} s: {topics}", stacklevel=2)


DELETE_SECONDS = 60


async def _delete(bootstrap: str, topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(topics)
    finally:
        await admin.close()
