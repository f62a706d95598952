"""Copying an event history to a fresh namespace, with one deliberate change: how the
tests stand in for someone who tampered with the log."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import orjson
from aiokafka import AIOKafkaProducer

from shared.admin import ensure_topics
from shared.envelope import canonical_json
from shared.log_reader import read_log
from shared.topics import Topics

Records = list[tuple[int, bytes, bytes]]  # partition, key, value
Tamper = Callable[[str, Records], Records]


async def copy_history(bootstrap: str, source: Topics, tamper: Tamper) -> Topics:
    """Every record of `source`'s event topics (applications, scoring, payments), same
    partition, same order, in a new namespace, after `tamper(topic_suffix, records)` had
    its way with them."""
    target = Topics(f"x{uuid4().hex[:10]}")
    await ensure_topics(bootstrap, target.all(), partitions=4)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for suffix in ("applications", "scoring", "payments"):
            topic, destination = getattr(source, suffix), getattr(target, suffix)
            got = [record async for batch in read_log(bootstrap, [topic]) for record in batch]
            got.sort(key=lambda r: (r.partition, r.offset))
            records = tamper(suffix, [(r.partition, r.key, r.value) for r in got])
            for partition, key, value in records:
                await producer.send(destination, value=value, key=key, partition=partition)
        await producer.flush()
    finally:
        await producer.stop()
    return target


def untouched(_: str, records: Records) -> Records:
    return records


def body(value: bytes) -> dict:  # type: ignore[type-arg]
    return dict(orjson.loads(value))


def encode(envelope: dict) -> bytes:  # type: ignore[type-arg]
    return canonical_json(envelope)


def reseal(envelope: dict, previous_hash: str) -> dict:  # type: ignore[type-arg]
    """What a forger who knows the scheme does: a correct hash for the forged content."""
    import hashlib

    envelope = {**envelope, "previous_hash": previous_hash}
    content = {k: v for k, v in envelope.items() if k != "hash"}
    return {**envelope, "hash": hashlib.sha256(canonical_json(content)).hexdigest()}


def stream_of(records: Records, aggregate_id: str) -> Records:
    """One aggregate's records, in their order on the topic."""
    return [r for r in records if body(r[2])["aggregate_id"] == aggregate_id]


def edit_event(
    records: Records,
    aggregate_id: str,
    which: Callable[[dict], bool],  # type: ignore[type-arg]
    change: Callable[[dict], dict],  # type: ignore[type-arg]
    reseal_chain: bool = True,
) -> str:
    """The first event of the stream `which` picks, changed in place; with `reseal_chain`,
    the stream sealed again from it on, as a forger who knows the scheme would, so that
    its chain holds. The changed event's id: what the auditor must name."""
    stream = stream_of(records, aggregate_id)
    target = next(r for r in stream if which(body(r[2])))
    changed = change(body(target[2]))
    previous = changed["previous_hash"]
    for record in stream[stream.index(target) :]:
        event = changed if record is target else body(record[2])
        event = reseal(event, previous) if reseal_chain else event
        previous = event["hash"]
        records[records.index(record)] = (record[0], record[1], encode(event))
    return str(changed["event_id"])
