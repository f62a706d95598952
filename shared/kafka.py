"""Building the faststream broker and subscribing idempotent consumers to it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from itertools import chain
from typing import Any

from aiokafka.errors import CommitFailedError, IllegalStateError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import BatchSubscriber
from pydantic import SkipValidation

from shared.consumer import IdempotentConsumer
from shared.contracts import Contract
from shared.contracts.documentation import envelope_of

log = logging.getLogger(__name__)


# The largest event a service publishes (a round's published list of several thousand
# applications is a few megabytes); the topics take as much (shared/admin.py).
MAX_EVENT_BYTES = 8 * 1024 * 1024

# How long a consumer's fetch waits for records when there are none: it returns as soon
# as any arrive, so this only sets how often an idle consumer goes round its loop.
IDLE_FETCH_MS = 500


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
    consumes: Sequence[type[Contract]],
    description: str,
    batch_size: int = 500,
) -> None:
    """Feed `topics` to `consumer` in batches, committing offsets only after the database.

    `consumes`: the events the consumer acts on, which the AsyncAPI document shows as the
    subscriber's message (others on the topics are recorded and pass by).

    One subscriber for all the topics, so one member of the consumer group: a member per
    topic would make every start and stop rebalance the group twice.

    faststream's commit takes the consumer's whole position, which is right here because
    a batch is everything fetched since the last commit and all of it is settled first.
    """

    async def on_batch(events: Any, message: KafkaMessage) -> None:
        # `events` only describes the message: the consumer decodes the raw records.
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

    # faststream documents a subscriber by its handler's parameters: `events` is given the
    # schema of one record (what a producer sends), and is neither decoded nor validated
    # (`_not_decoded`): the consumer decodes each record itself and parks what it cannot,
    # so the batch is not parsed twice, and a record that is not JSON never fails before it.
    title = f"{topics[0]}:{service}" if len(topics) == 1 else service
    consumed = envelope_of(f"{service.capitalize()}Consumes", *consumes)
    on_batch.__annotations__["events"] = SkipValidation[consumed]  # type: ignore[valid-type,misc]
    subscriber = broker.subscriber(
        *topics,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        batch=True,
        max_records=batch_size,
        batch_timeout_ms=IDLE_FETCH_MS,
        decoder=_not_decoded,
        # faststream names a many-topic subscriber's channels "<title>:<topic>".
        title=title,
        description=description,
    )
    subscriber(on_batch)
    _fetch_without_pausing(subscriber, batch_size)


def _fetch_without_pausing(subscriber: Any, max_records: int) -> None:
    """faststream's batch subscriber sleeps `batch_timeout_ms` after a fetch that found
    nothing, and a record arriving then waits the sleep out: at a low rate, most records
    arrive in it. Its fetch instead waits for records and returns with the first."""
    if not isinstance(subscriber, BatchSubscriber):  # what faststream 0.7 makes of batch=True
        raise TypeError(f"expected faststream's batch subscriber, got {type(subscriber)}")

    async def next_batch(consumer: Any) -> tuple[Any, ...]:
        batches = await consumer.getmany(timeout_ms=IDLE_FETCH_MS, max_records=max_records)
        return tuple(chain.from_iterable(batches.values()))

    # The subscriber's loop asks `get_msg` for each batch and skips an empty one.
    setattr(subscriber, "get_msg", next_batch)  # noqa: B010


async def _not_decoded(message: Any) -> None:
    """faststream's decoding of a batch, skipped: `IdempotentConsumer` reads the raw records."""
    return None
