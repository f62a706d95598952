"""A bare outbox relay in a process of its own, so a test can SIGKILL it mid-batch."""

from __future__ import annotations

import asyncio
import os

from services.applications.adapters.tables import backbone
from shared.kafka import build_broker
from shared.publishing import BrokerPublisher
from shared.relay import OutboxRelay
from shared.runtime import database


async def main() -> None:
    engine, _ = database(os.environ["RELAY_DATABASE_URL"])
    broker = build_broker(os.environ["KAFKA_BOOTSTRAP_SERVERS"], client_id="relay-under-test")
    await broker.start()
    relay = OutboxRelay(
        engine=engine,
        table=backbone.event,
        publisher=BrokerPublisher(broker),
        topic=os.environ["RELAY_TOPIC"],
        batch_size=int(os.environ.get("RELAY_BATCH_SIZE", "50")),
    )
    await relay.run()


if __name__ == "__main__":
    asyncio.run(main())
