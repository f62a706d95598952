"""Finding or starting the real Kafka broker and PostgreSQL server the tests run against.

In order: the servers named by the environment; containers, where a Docker engine
answers; else the project's own local scripts, on ports of their own so a developer's
`make up` stack keeps running beside the tests.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "deploy" / "local"


@dataclass(frozen=True)
class Infrastructure:
    kafka_bootstrap: str
    # A PostgreSQL URL (asyncpg) for a role allowed to create databases.
    postgres_url: str
    origin: str
    # Restarts "kafka" or "postgres" in place, where the tests started them themselves.
    restart: Callable[[str], None] | None = None


@contextmanager
def infrastructure() -> Iterator[Infrastructure]:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    postgres = os.environ.get("QSFUND_TEST_DATABASE_URL")
    if kafka and postgres:
        yield Infrastructure(kafka, postgres, "environment")
    elif docker_engine_answers():
        with _containers() as infra:
            yield infra
    else:
        with _local_servers() as infra:
            yield infra


def docker_engine_answers() -> bool:
    """True only if an engine answers; the client alone is not enough."""
    try:
        probe = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0 and bool(probe.stdout.strip())


@contextmanager
def _containers() -> Iterator[Infrastructure]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with (
        KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft() as kafka,
        PostgresContainer("postgres:15") as postgres,
    ):
        yield Infrastructure(
            kafka.get_bootstrap_server(),
            postgres.get_connection_url(driver="asyncpg"),
            "testcontainers",
        )


@contextmanager
def _local_servers() -> Iterator[Infrastructure]:
    env = {
        **os.environ,
        "QSFUND_HOME": str(REPO / ".qsfund" / "test"),
        "KAFKA_PORT": os.environ.get("QSFUND_TEST_KAFKA_PORT", "19092"),
        "KAFKA_CONTROLLER_PORT": os.environ.get("QSFUND_TEST_KAFKA_CONTROLLER_PORT", "19093"),
        "PGPORT": os.environ.get("QSFUND_TEST_PGPORT", "15432"),
        "QSFUND_DATABASES": "",
    }

    def run(script: str, *args: str) -> None:
        subprocess.run([str(LOCAL / script), *args], env=env, check=True)

    # A fresh broker and database server each session: tests never see old state.
    run("kafka.sh", "reset")
    run("postgres.sh", "reset")
    run("kafka.sh", "start")
    run("postgres.sh", "start")
    try:
        yield Infrastructure(
            f"127.0.0.1:{env['KAFKA_PORT']}",
            f"postgresql+asyncpg://qsfund:qsfund@127.0.0.1:{env['PGPORT']}/postgres",
            "local scripts",
            restart=lambda server: run(f"{server}.sh", "restart"),
        )
    finally:
        run("kafka.sh", "stop")
        run("postgres.sh", "stop")
