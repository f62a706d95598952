"""Parking events a consumer cannot apply, with the reason and the original bytes."""

from __future__ import annotations

from typing import Any

from shared.metrics import DEAD_LETTERS
from shared.publishing import RecordPublisher

REASON = "x-dead-letter-reason"
ERROR_TYPE = "x-dead-letter-error-type"
ORIGINAL_TOPIC = "x-original-topic"
ORIGINAL_PARTITION = "x-original-partition"
ORIGINAL_OFFSET = "x-original-offset"
CONSUMER = "x-consumer"


class DeadLetters:
    def __init__(self, publisher: RecordPublisher, topic: str, consumer: str) -> None:
        self.publisher = publisher
        self.topic = topic
        self.consumer = consumer

    async def park(self, record: Any, error: BaseException) -> None:
        """Publish the record as received to the dead-letter topic and wait for the ack."""
        headers = {
            REASON: str(error)[:4000] or type(error).__name__,
            ERROR_TYPE: type(error).__name__,
            ORIGINAL_TOPIC: record.topic,
            ORIGINAL_PARTITION: str(record.partition),
            ORIGINAL_OFFSET: str(record.offset),
            CONSUMER: self.consumer,
        }
        sent = await self.publisher.send(
            self.topic, record.key or b"", record.value or b"", headers
        )
        await sent
        DEAD_LETTERS.labels(self.consumer, type(error).__name__).inc()
