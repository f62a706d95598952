"""The one way our code hands records to Kafka: the faststream broker's producer,
configured idempotent with acks=all in bootstrap."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from faststream.kafka import KafkaBroker


class RecordPublisher(Protocol):
    async def send(
        self, topic: str, key: bytes, value: bytes, headers: dict[str, str]
    ) -> asyncio.Future[Any]:
        """Queue a record; the returned future resolves once the broker acknowledged it."""
        ...


class BrokerPublisher:
    def __init__(self, broker: KafkaBroker) -> None:
        self.broker = broker

    async def send(
        self, topic: str, key: bytes, value: bytes, headers: dict[str, str]
    ) -> asyncio.Future[Any]:
        return await self.broker.publish(value, topic, key=key, headers=headers, no_confirm=True)
