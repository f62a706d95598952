"""The topics take the events the services write: a round's published list of thousands
of applications is a few megabytes, beyond Kafka's default megabyte."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.admin import TOPIC_CONFIG, ensure_topics
from shared.kafka import MAX_EVENT_BYTES
from shared.log_reader import read_values
from shared.topics import Topics
from tests.support.infrastructure import Infrastructure

pytestmark = pytest.mark.integration


async def test_an_event_of_several_megabytes_is_published_and_read_back(
    infra: Infrastructure, topics: Topics
) -> None:
    large = b'{"entries": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    producer = AIOKafkaProducer(
        bootstrap_servers=infra.kafka_bootstrap,
        enable_idempotence=True,
        acks="all",
        max_request_size=MAX_EVENT_BYTES,
    )
    await producer.start()
    try:
        await producer.send_and_wait(topics.applications, value=large, key=b"round-1")
    finally:
        await producer.stop()
    # The auditor's reader, with aiokafka's default fetch sizes.
    assert await read_values(infra.kafka_bootstrap, [topics.applications]) == [large]


async def test_topics_made_before_are_given_this_codes_configuration(
    infra: Infrastructure,
) -> None:
    name = f"t{uuid4().hex[:10]}.old"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
        # The broker lists a topic a moment after creating it: wait for it (a positive
        # signal), so that ensure_topics meets it as a topic made before.
        for _ in range(600):
            if name in await admin.list_topics():
                break
            await asyncio.sleep(0.05)
        assert await ensure_topics(infra.kafka_bootstrap, [name], partitions=1) == []
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
        configs = {entry[0]: entry[1] for entry in response.resources[0][4]}
    finally:
        await admin.close()
    assert {key: configs[key] for key in TOPIC_CONFIG} == TOPIC_CONFIG
