"""What operators watch, as Prometheus metrics, updated where the work happens."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer
from faststream.kafka import KafkaBroker
from prometheus_client import Counter, Gauge, Histogram

log = logging.getLogger(__name__)

EVENTS_CONSUMED = Counter(
    "qsfund_events_consumed_total",
    "Events a consumer took from Kafka, by what became of them.",
    ["consumer", "event_type", "outcome"],  # applied, duplicate, dead_lettered
)
HANDLER_SECONDS = Histogram(
    "qsfund_handler_seconds",
    "Time to apply one event, its database commit included.",
    ["consumer"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BATCH_EVENTS = Histogram(
    "qsfund_batch_events",
    "Events applied together in one transaction: one partition's share of a batch.",
    ["consumer"],
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000),
)
EVENTS_PUBLISHED = Counter(
    "qsfund_events_published_total", "Events the outbox relay published.", ["topic"]
)
OUTBOX_BACKLOG = Gauge(
    "qsfund_outbox_backlog", "Events written but not yet published, as last counted.", ["topic"]
)
DEAD_LETTERS = Counter(
    "qsfund_dead_letters_total", "Records parked in the dead-letter topic.", ["consumer", "error"]
)
CONSUMER_LAG = Gauge(
    "qsfund_consumer_lag",
    "Records on a partition not yet consumed by this instance.",
    ["group", "topic", "partition"],
)
BUREAU_CALLS_PARKED = Gauge(
    "qsfund_payments_bureau_calls_parked",
    "Calls to the finance bureau parked for an operator (retries ran out, or refused).",
)
WEBHOOK_FAILURES = Counter(
    "qsfund_webhook_failures_total",
    "Attempts to deliver a webhook that failed (each retry that fails counts again).",
)


async def watch_consumer_lag(broker: KafkaBroker, every_seconds: float = 5.0) -> None:
    """Refresh the lag gauge for every partition this instance's consumers own."""
    while True:
        for subscriber in broker.subscribers:
            consumer = getattr(subscriber, "consumer", None)
            if isinstance(consumer, AIOKafkaConsumer):
                await _record_lag(consumer, getattr(subscriber, "group_id", "") or "")
        await asyncio.sleep(every_seconds)


async def _record_lag(consumer: AIOKafkaConsumer, group: str) -> None:
    for tp in consumer.assignment():
        end = consumer.highwater(tp)
        if end is None:
            continue
        try:
            position = await consumer.position(tp)
        except Exception:  # the partition moved away in a rebalance meanwhile
            continue
        CONSUMER_LAG.labels(group, tp.topic, str(tp.partition)).set(max(0, end - position))
