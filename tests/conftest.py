"""Session fixtures: the real Kafka broker and PostgreSQL server, found or started once."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from shared.admin import ensure_topics
from shared.topics import Topics
from tests.support.infrastructure import Infrastructure, infrastructure


@pytest.fixture(scope="session")
def infra() -> Iterator[Infrastructure]:
    with infrastructure() as found:
        yield found


@pytest.fixture
async def topics(infra: Infrastructure) -> Topics:
    """Topics of a namespace of this test's own, created as `make up` creates them."""
    namespace = Topics(f"t{uuid4().hex[:10]}")
    await ensure_topics(infra.kafka_bootstrap, namespace.all(), partitions=4)
    return namespace
