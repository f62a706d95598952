"""Building the faststream broker and subscribing idempotent consumers to it."""

from __future__ import annotations

import asyncio
import logging

from aiokafka.errors import CommitFailedError, IllegalStateError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from shared.consumer import IdempotentConsumer

log = logging.getLogger(__name__)


# The largest event a service publishes (a round's published list of several thousand
# applications is a few megabytes); the topics take as much (shared/admin.py).
MAX_EVENT_BYTES = 8 * 1024 * 1024


def build_broker(bootstrap_servers: str, client_id: str) -> KafkaBroker:
    # Idempotent producer, acks from every in-sync replica: what the outbox relay and the
    # dead-letter publisher rely on for no loss and no reordering on retry.
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        max_request_size=MAX_EVENT_BYTES,
        graceful_timeout=20.0,
    )


def subscribe(
    broker: KafkaBroker,
    *topics: str,
    service: str,
    group_id: str,
    consumer: IdempotentConsumer,
    description: str,
    batch_size: int = 500,
) -> None:
    """Feed `topics` to `consumer` in batches, committing offsets only after the database.

    One subscriber for all the topics, so one member of the consumer group: a member per
    topic would make every start and stop rebalance the group twice.

    faststream's commit takes the consumer's whole position, which is right here because
    a batch is everything fetched since the last commit and all of it is settled first.
    """

    async def on_batch(message: KafkaMessage) -> None:
        try:
            await consumer.consume_batch(message.raw_message)  # the batch's records
        except Exception:
            # Only a dead-letter topic that cannot be reached gets here. Seek back so the
            # batch is read again (the inbox absorbs what was applied), rather than
            # letting the next commit skip past it.
            log.exception("could not settle a batch; it will be read again")
            await message.nack()
            await asyncio.sleep(1)
            return
        try:
            await message.ack()
        except (CommitFailedError, IllegalStateError) as error:
            # A rebalance took the partition away: the new owner re-reads from the last
            # commit and the inbox absorbs what this instance already applied.
            log.warning("offset commit lost to a rebalance: %s", error)

    broker.subscriber(
        *topics,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        batch=True,
        max_records=batch_size,
        batch_timeout_ms=100,
        # faststream names a many-topic subscriber's channels "<title>:<topic>".
        title=f"{topics[0]}:{service}" if len(topics) == 1 else service,
        description=description,
    )(on_batch)
