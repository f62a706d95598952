"""Kafka topic administration: the event topics as this code configures them."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from shared.kafka import MAX_EVENT_BYTES

# The log is the audit record: nothing is ever deleted or compacted away. Events may be
# larger than Kafka's default megabyte: a round's published list names every
# application with the head of each of its streams (about 700 bytes an application).
TOPIC_CONFIG = {
    "retention.ms": "-1",
    "retention.bytes": "-1",
    "cleanup.policy": "delete",
    "max.message.bytes": str(MAX_EVENT_BYTES),
}


async def ensure_topics(bootstrap: str, topics: list[str], partitions: int) -> list[str]:
    """Create the topics that do not exist yet, and give those that do this code's
    configuration (TOPIC_CONFIG, whole: an alteration replaces every setting it does not
    name); the names of those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        present = [name for name in topics if name in existing]
        if present:
            await admin.alter_configs(
                [ConfigResource(ConfigResourceType.TOPIC, name, TOPIC_CONFIG) for name in present]
            )
        wanted = [
            NewTopic(
                name,
                num_partitions=partitions,
                replication_factor=1,
                topic_configs=TOPIC_CONFIG,
            )
            for name in topics
            if name not in existing
        ]
        if not wanted:
            return []
        response = await admin.create_topics(wanted)
        # aiokafka reports per-topic failures in the response instead of raising.
        failures = [
            (name, code, message)
            for name, code, *rest in response.topic_errors
            for message in [rest[0] if rest else ""]
            if code not in (0, TopicAlreadyExistsError.errno)
        ]
        if failures:
            raise RuntimeError(f"could not create topics: {failures}")
        return [t.name for t in wanted]
    finally:
        await admin.close()
