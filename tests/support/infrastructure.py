"""Finding or starting the real Kafka broker and PostgreSQL server the tests run against.

Which servers is chosen on purpose (`QSFUND_TEST_SERVERS`, see server_choice.py): the ones
the environment names, containers, or the project's own local scripts on ports of their
own, so a developer's `make up` stack keeps running beside the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.processes import free_port
from tests.support.server_choice import ServerChoice, choose_servers

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "deploy" / "local"
READY_TIMEOUT = 120.0


@dataclass(frozen=True)
class Infrastructure:
    kafka_bootstrap: str
    # A PostgreSQL URL (asyncpg) for a role allowed to create databases.
    postgres_url: str
    origin: str
    # Restarts "kafka" or "postgres" in place, where the tests started them themselves.
    restart: Callable[[str], None] | None = None


@contextmanager
def infrastructure(choice: ServerChoice | None = None) -> Iterator[Infrastructure]:
    choice = choice or servers_chosen()
    if choice.servers == "env":
        yield Infrastructure(
            os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["QSFUND_TEST_DATABASE_URL"], "env"
        )
    elif choice.servers == "containers":
        with _containers(choice.kafka_image, choice.postgres_image) as infra:
            yield infra
    else:
        with _local_servers() as infra:
            yield infra


def servers_chosen() -> ServerChoice:
    return choose_servers(os.environ, docker_engine_answers, docker_image_present)


def docker_engine_answers() -> bool:
    """True only if an engine answers; the client alone is not enough."""
    probe = _docker("info", "--format", "{{.ServerVersion}}")
    return probe is not None and probe.returncode == 0 and bool(probe.stdout.strip())


def docker_image_present(image: str) -> bool:
    probe = _docker("image", "inspect", "--format", "{{.Id}}", image)
    return probe is not None and probe.returncode == 0


def _docker(*args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(["docker", *args], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


@contextmanager
def _containers(kafka_image: str, postgres_image: str) -> Iterator[Infrastructure]:
    from testcontainers.core.config import testcontainers_config
    from testcontainers.core.container import DockerContainer

    if not docker_image_present(testcontainers_config.ryuk_image):
        # Ryuk removes the containers of a killed run; where its image cannot be pulled it
        # would fail every test, so the containers are removed on the way out instead.
        testcontainers_config.ryuk_disabled = True
    # Fixed host ports, the same inside: Kafka advertises the address clients dial, and a
    # restarted container comes back where the tests' settings point.
    kafka_port, postgres_port = free_port(), free_port()
    kafka = DockerContainer(kafka_image).with_bind_ports(kafka_port, kafka_port)
    for name, value in _kafka_settings(kafka_port).items():
        kafka.with_env(name, value)
    postgres = (
        DockerContainer(postgres_image)
        .with_bind_ports(5432, postgres_port)
        .with_env("POSTGRES_USER", "qsfund")
        .with_env("POSTGRES_PASSWORD", "qsfund")
        .with_env("POSTGRES_DB", "postgres")
    )
    ready = {
        "kafka": lambda: _wait_for_kafka(kafka_port),
        "postgres": lambda: _wait_for_postgres(postgres),
    }
    containers = {"kafka": kafka, "postgres": postgres}

    def restart(server: str) -> None:
        containers[server].get_wrapped_container().restart(timeout=30)
        ready[server]()

    with kafka, postgres:
        ready["kafka"]()
        ready["postgres"]()
        yield Infrastructure(
            f"127.0.0.1:{kafka_port}",
            f"postgresql+asyncpg://qsfund:qsfund@127.0.0.1:{postgres_port}/postgres",
            f"containers {kafka_image}, {postgres_image}",
            restart=restart,
        )


def _kafka_settings(port: int) -> dict[str, str]:
    """One KRaft node, in the environment interface of the apache/kafka image (ours too)."""
    return {
        "CLUSTER_ID": "qsfundTestsClusterId0A",
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_LISTENERS": f"PLAINTEXT://:{port},CONTROLLER://:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://127.0.0.1:{port}",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "PLAINTEXT",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_HEAP_OPTS": "-Xmx1g -Xms256m",
    }


def _wait_for_kafka(port: int) -> None:
    """Until the broker answers ApiVersions and Metadata with a live broker (kafka_probe)."""
    _wait(
        "Kafka",
        lambda: (
            subprocess.run(
                [sys.executable, str(LOCAL / "kafka_probe.py"), "127.0.0.1", str(port), "3"],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        ),
    )


def _wait_for_postgres(container: Any) -> None:
    def answers() -> bool:
        code, _ = container.get_wrapped_container().exec_run(
            ["pg_isready", "-h", "127.0.0.1", "-U", "qsfund", "-d", "postgres"]
        )
        return bool(code == 0)

    _wait("PostgreSQL", answers)


def _wait(what: str, ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} in its container was not ready in {READY_TIMEOUT:.0f} s")
        time.sleep(0.5)  # polling interval while waiting for a positive signal


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
            "local",
            restart=lambda server: run(f"{server}.sh", "restart"),
        )
    finally:
        run("kafka.sh", "stop")
        run("postgres.sh", "stop")
