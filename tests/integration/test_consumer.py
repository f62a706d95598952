"""The idempotent consumer over real Kafka and PostgreSQL, with the notifications
service as the consumer: redelivery, SIGKILL at random moments, and poison messages."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from services.notifications.adapters.tables import backbone, notification
from shared import deadletter
from shared.topics import Topics
from tests.support.events import reviewed, stream, submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import consumed_to_end, produce, read_all
from tests.support.processes import ServiceProcess

BIN = Path(sys.executable).parent


def notifications_service(
    infra: Infrastructure, topics: Topics, db: str, tmp: Path
) -> ServiceProcess:
    return ServiceProcess.service(
        "notifications",
        {
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "QSFUND_TOPIC_NAMESPACE": topics.namespace,
            "NOTIFICATIONS_DATABASE_URL": db,
        },
        tmp,
    )


def lifecycles(count: int) -> list[tuple[bytes, bytes]]:
    """`count` applications, each submitted then reviewed, as Kafka records."""
    records = []
    for _ in range(count):
        app = submitted()
        for envelope in stream([app, reviewed(app.application_id)]):
            records.append((envelope.aggregate_id.encode(), envelope.encode()))
    return records


async def counts(db: str) -> tuple[int, int]:
    engine = create_async_engine(db)
    async with engine.connect() as conn:
        applied = await conn.scalar(select(func.count()).select_from(backbone.inbox))
        sent = await conn.scalar(select(func.count()).select_from(notification))
    await engine.dispose()
    return int(applied or 0), int(sent or 0)


async def wait_for(db: str, applied: int) -> tuple[int, int]:
    for _ in range(360):  # up to 90 s
        now = await counts(db)
        if now[0] >= applied:
            return now
        await asyncio.sleep(0.25)
    return await counts(db)


async def test_a_redelivered_event_changes_nothing(
    infra: Infrastructure, topics: Topics, notifications_db: str, tmp_path: Path
) -> None:
    records = lifecycles(5)
    # Every record twice, as a relay that crashed before marking its batch would send it.
    await produce(infra.kafka_bootstrap, topics.applications, records + records)
    service = notifications_service(infra, topics, notifications_db, tmp_path).start()
    try:
        assert await wait_for(notifications_db, applied=10) == (10, 10)
        # Past every duplicate too (committed after their effects): none added anything.
        group = topics.group("notifications")
        await consumed_to_end(infra.kafka_bootstrap, group, topics.applications)
        assert await counts(notifications_db) == (10, 10)
    finally:
        service.stop()


async def test_killing_the_consumer_anywhere_loses_and_duplicates_nothing(
    infra: Infrastructure, topics: Topics, notifications_db: str, tmp_path: Path
) -> None:
    records = lifecycles(300)
    await produce(infra.kafka_bootstrap, topics.applications, records)
    service = notifications_service(infra, topics, notifications_db, tmp_path)
    rng = random.Random(7)
    for _ in range(4):
        service.start()
        await asyncio.sleep(rng.uniform(0.3, 2.0))
        service.kill()
    service.start()
    try:
        assert await wait_for(notifications_db, applied=len(records)) == (
            len(records),
            len(records),
        )
    finally:
        # uvicorn re-raises SIGTERM once drained; SIGKILL (-9) would mean it hung.
        assert service.stop() in (0, -signal.SIGTERM), "SIGTERM should drain and exit"


async def test_a_poison_message_is_dead_lettered_and_consumption_goes_on(
    infra: Infrastructure, topics: Topics, notifications_db: str, tmp_path: Path
) -> None:
    good = lifecycles(2)
    poison = [(b"app-x", b"\xff not json"), (b"app-y", b'{"event_type": "ApplicationSubmitted"}')]
    await produce(infra.kafka_bootstrap, topics.applications, [good[0], *poison, *good[1:]])
    service = notifications_service(infra, topics, notifications_db, tmp_path).start()
    try:
        assert await wait_for(notifications_db, applied=4) == (4, 4)
    finally:
        service.stop()
    parked = await read_all(infra.kafka_bootstrap, topics.dead_letters, expect=2)
    assert sorted(r.value for r in parked) == sorted(value for _, value in poison)
    for record in parked:
        headers = {k: v.decode() for k, v in record.headers}
        assert headers[deadletter.ORIGINAL_TOPIC] == topics.applications
        assert headers[deadletter.CONSUMER] == "notifications"
        assert headers[deadletter.REASON]


def dead_letters_cli(args: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "qsfund-dead-letters"), *args], text=True, **options)


async def test_an_operator_lists_and_replays_dead_letters(
    infra: Infrastructure, topics: Topics, notifications_db: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": topics.namespace,
    }
    nothing = dead_letters_cli(["list"], env=env, capture_output=True, check=True)
    assert nothing.stdout.startswith("no dead letters"), "an empty list says so"
    poison = (b"app-z", b'{"event_type": "ApplicationTeleported"}')
    await produce(infra.kafka_bootstrap, topics.applications, [poison])
    service = notifications_service(infra, topics, notifications_db, tmp_path).start()
    try:
        await read_all(infra.kafka_bootstrap, topics.dead_letters, expect=1)
        for_people = dead_letters_cli(["list"], env=env, capture_output=True, check=True)
        assert "notifications" in for_people.stdout
        assert "ValidationError" in for_people.stdout
        listed = dead_letters_cli(
            ["list", "--json"],
            env=env,
            capture_output=True,
            check=True,
        )
        [entry] = json.loads(listed.stdout)
        assert entry["consumer"] == "notifications"
        assert entry["original"].startswith(f"{topics.applications}/")
        assert entry["error_type"] == "ValidationError"
        dead_letters_cli(
            ["replay", "--record", entry["record"]],
            env=env,
            check=True,
            capture_output=True,
        )
        # Back on its topic with its original bytes; still broken, so parked once more.
        back = await read_all(infra.kafka_bootstrap, topics.applications, expect=2)
        assert [r.value for r in back] == [poison[1], poison[1]]
        parked = await read_all(infra.kafka_bootstrap, topics.dead_letters, expect=2)
        assert len(parked) == 2
    finally:
        service.stop()


async def test_sigterm_drains_in_flight_work_within_a_bound(
    infra: Infrastructure, topics: Topics, notifications_db: str, tmp_path: Path
) -> None:
    records = lifecycles(300)
    await produce(infra.kafka_bootstrap, topics.applications, records)
    service = notifications_service(infra, topics, notifications_db, tmp_path).start()
    # SIGTERM once the consumer is at work (its first events applied), not after a
    # guessed time; what it has in flight then must be finished or left, never half.
    applied, _ = await wait_for(notifications_db, applied=1)
    assert applied >= 1
    assert service.process is not None
    stopping = asyncio.get_running_loop().time()
    code = await asyncio.to_thread(service.stop, 30)
    took = asyncio.get_running_loop().time() - stopping
    assert code in (0, -signal.SIGTERM), "it had to be killed: the drain hung"
    assert took < 25
    applied, recorded = await counts(notifications_db)
    assert applied == recorded, "every applied event has its notification, none half-written"
    service.start()
    try:
        assert await wait_for(notifications_db, applied=len(records)) == (len(records),) * 2
    finally:
        service.stop()
