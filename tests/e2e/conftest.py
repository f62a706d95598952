from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.processes import ServiceProcess

pytestmark = pytest.mark.e2e


@dataclass
class Stack:
    applications: ServiceProcess
    scoring: list[ServiceProcess]
    notifications: ServiceProcess
    databases: dict[str, str]


@pytest.fixture
async def database_urls(infra: Infrastructure) -> dict[str, str]:
    return {
        service: await fresh_database(infra.postgres_url, service)
        for service in ("applications", "scoring", "notifications")
    }


@pytest.fixture
def stack(
    infra: Infrastructure, topics: Topics, database_urls: dict[str, str], tmp_path: Path
) -> Iterator[Stack]:
    """All three services as processes, with two scoring instances in one consumer group."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": topics.namespace,
        **{f"{name.upper()}_DATABASE_URL": url for name, url in database_urls.items()},
    }
    running = Stack(
        applications=ServiceProcess.service("applications", env, tmp_path),
        scoring=[
            ServiceProcess.service("scoring", {**env, "SCORING_INSTANCE": f"scoring-{i}"}, tmp_path)
            for i in (1, 2)
        ],
        notifications=ServiceProcess.service("notifications", env, tmp_path),
        databases=database_urls,
    )
    processes = [running.applications, *running.scoring, running.notifications]
    try:
        for process in processes:
            process.start()
        yield running
    finally:
        for process in processes:
            process.stop()
