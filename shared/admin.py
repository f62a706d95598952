"""Operator commands: migrate the databases, create the topics, write the AsyncAPI document."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from shared.kafka import MAX_EVENT_BYTES
from shared.migrations import upgrade
from shared.settings import KafkaSettings

SERVICES = ("applications", "scoring", "notifications", "payments", "reports")

# The log is the audit record: nothing is ever deleted or compacted away. Events may be
# larger than Kafka's default megabyte: a round's published list names every
# application with the head of each of its streams (about 700 bytes an application).
TOPIC_CONFIG = {
    "retention.ms": "-1",
    "retention.bytes": "-1",
    "cleanup.policy": "delete",
    "max.message.bytes": str(MAX_EVENT_BYTES),
}


def migrate_main() -> None:
    """Upgrade each service's database whose URL is configured (all four by default)."""
    parser = argparse.ArgumentParser(description=migrate_main.__doc__)
    parser.add_argument("services", nargs="*", metavar="SERVICE", help=", ".join(SERVICES))
    chosen = parser.parse_args().services or list(SERVICES)
    unknown = sorted(set(chosen) - set(SERVICES))
    if unknown:
        parser.error(f"unknown service {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    for service in chosen:
        url = os.environ.get(f"{service.upper()}_DATABASE_URL") or (
            f"postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_{service}"
        )
        upgrade(service, url)
        print(f"migrated {service}")


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


def topics_main() -> None:
    """Create the event and dead-letter topics, keyed by aggregate id, retained forever."""
    parser = argparse.ArgumentParser(description=topics_main.__doc__)
    parser.add_argument(
        "--partitions", type=int, default=int(os.environ.get("QSFUND_PARTITIONS", "12"))
    )
    args = parser.parse_args()
    settings = KafkaSettings()
    created = asyncio.run(
        ensure_topics(settings.kafka_bootstrap_servers, settings.topics.all(), args.partitions)
    )
    print(f"topics created: {', '.join(created) or 'none (all exist)'}")


def asyncapi_main() -> None:
    """Print the AsyncAPI document of all four services' events."""
    from services.asyncapi import asyncapi_document

    json.dump(asyncapi_document(), sys.stdout, indent=2, sort_keys=True)
    print()
