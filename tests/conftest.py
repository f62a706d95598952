"""Session fixtures: the real Kafka broker and PostgreSQL server, found or started once,
and the tests' own token issuer."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest
from hypothesis import settings

from shared.admin import ensure_topics
from shared.topics import Topics
from tests.support.infrastructure import Infrastructure, infrastructure
from tests.support.tokens import Tokens

# Properties are judged by their examples, not by how fast a shared two-core machine
# runs one: a deadline there fails a correct rule whenever the machine is busy.
settings.register_profile("qsfund", deadline=None)
settings.load_profile("qsfund")


@pytest.fixture(scope="session")
def infra() -> Iterator[Infrastructure]:
    with infrastructure() as found:
        yield found


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Tokens:
    """A key pair of the tests' own: services under test get `tokens.env`."""
    return Tokens(tmp_path_factory.mktemp("auth"))


@pytest.fixture
async def topics(infra: Infrastructure) -> Topics:
    """Topics of a namespace of this test's own, created as `make up` creates them."""
    namespace = Topics(f"t{uuid4().hex[:10]}")
    await ensure_topics(infra.kafka_bootstrap, namespace.all(), partitions=4)
    return namespace
