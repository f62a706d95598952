"""Session fixtures: the real Kafka broker and PostgreSQL server, chosen at the start of the
run (and said so on its first line), started once when a test needs them; and the tests' own
token issuer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from uuid import uuid4

import pytest
from hypothesis import settings

from shared.admin import ensure_topics
from shared.topics import Topics
from tests.support.infrastructure import Infrastructure, infrastructure, servers_chosen
from tests.support.kafka import delete_topics
from tests.support.server_choice import ServerChoice, ServerChoiceError
from tests.support.tokens import Tokens

# Properties are judged by their examples, not by how fast a shared two-core machine
# runs one: a deadline there fails a correct rule whenever the machine is busy.
settings.register_profile("qsfund", deadline=None)
settings.load_profile("qsfund")


CHOICE = pytest.StashKey[ServerChoice]()


def pytest_configure(config: pytest.Config) -> None:
    try:
        config.stash[CHOICE] = servers_chosen()
    except ServerChoiceError as refused:
        raise pytest.UsageError(str(refused)) from None


def pytest_report_header(config: pytest.Config) -> str:
    return config.stash[CHOICE].headline()


def pytest_sessionstart(session: pytest.Session) -> None:
    # The header above is hidden under -q: say it anyway, first.
    if session.config.get_verbosity() < 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(session.config.stash[CHOICE].headline())


@pytest.fixture(scope="session")
def infra(request: pytest.FixtureRequest) -> Iterator[Infrastructure]:
    with infrastructure(request.config.stash[CHOICE]) as found:
        yield found


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Tokens:
    """A key pair of the tests' own: services under test get `tokens.env`."""
    return Tokens(tmp_path_factory.mktemp("auth"))


@pytest.fixture
async def topics(infra: Infrastructure) -> AsyncIterator[Topics]:
    """Topics of a namespace of this test's own, created as `make up` creates them, and
    deleted after it."""
    namespace = Topics(f"t{uuid4().hex[:10]}")
    await ensure_topics(infra.kafka_bootstrap, namespace.all(), partitions=4)
    yield namespace
    await delete_topics(infra.kafka_bootstrap, namespace.all())
