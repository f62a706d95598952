"""verify's worker processes over a real broker: a tampered event in a partition a worker
reads is named with its coordinates, and the verdict is the single process's."""

from __future__ import annotations

import asyncio

import orjson
from aiokafka import AIOKafkaProducer

from bench.history import history
from services.audit import verify_run
from services.audit.domain.verdict import Verdict
from shared.envelope import canonical_json
from shared.topics import Topics
from tests.support.infrastructure import Infrastructure


async def test_workers_find_what_one_process_finds(infra: Infrastructure, topics: Topics) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    altered: dict[str, object] = {}
    try:
        for suffix, key, value in history(90, per_round=12):
            topic = topics.applications if suffix == "applications" else topics.scoring
            event = orjson.loads(value)
            if not altered and event["event_type"] == "ApplicationReviewed":
                event["payload"]["note"] = "forged"
                value = canonical_json(event)
            sent = await (await producer.send(topic, value, key=key))
            if event["payload"].get("note") == "forged" and not altered:
                altered = {"event_id": event["event_id"], "partition": sent.partition}
                altered.update(topic=topic, offset=sent.offset)
    finally:
        await producer.stop()
    names = [topics.applications, topics.scoring]

    def verify(workers: int) -> Verdict:
        return verify_run.verify_history(infra.kafka_bootstrap, names, workers=workers)

    in_workers = await asyncio.to_thread(verify, 3)
    assert in_workers == await asyncio.to_thread(verify, 1)
    assert [
        {k: f.as_dict()[k] for k in ("event_id", "topic", "partition", "offset")}
        for f in in_workers.findings
        if f.message == "content does not match its hash (altered)"
    ] == [altered]
