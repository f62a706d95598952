"""The services as real processes for a benchmark, set up as the e2e `stack` fixture sets
them up: topics of a namespace of their own, fresh databases, the tests' token issuer and
policies, and a mail sink so that delivery runs as it would, against a server that
accepts everything and keeps nothing."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

from shared.admin import ensure_topics
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.kafka import produce
from tests.support.processes import ServiceProcess, free_port
from tests.support.tokens import Tokens

POLICIES = Path(__file__).resolve().parents[1] / "tests" / "support" / "policies"
SERVICES = ("applications", "scoring", "notifications")
# As `make up` creates them: what scaling out across partitions depends on.
PARTITIONS = 12


@dataclass
class BenchStack:
    topics: Topics
    databases: dict[str, str]
    tokens: Tokens
    env: dict[str, str]
    logs: Path
    running: dict[str, ServiceProcess] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return self.running["applications"].url

    def pids(self) -> dict[str, int]:
        return {
            name: process.process.pid
            for name, process in self.running.items()
            if process.process is not None
        }

    async def start(self, name: str, service: str, extra: dict[str, str] | None = None) -> None:
        """Start one more process of `service` under `name`, healthy when this returns."""
        process = ServiceProcess.service(service, {**self.env, **(extra or {})}, self.logs)
        process.log = self.logs / f"{name}.log"
        self.running[name] = process
        await asyncio.to_thread(process.start)


def _mail_sink(logs: Path) -> tuple[ServiceProcess, int]:
    port = free_port()
    argv = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    sink = ServiceProcess([*argv, "-c", "aiosmtpd.handlers.Sink"], {}, logs / "mail.log")
    return sink.start(), port


@asynccontextmanager
async def bench_stack(
    bootstrap: str,
    server_url: str,
    services: tuple[str, ...] = SERVICES,
    scoring_instances: int = 1,
    backlog: list[tuple[bytes, bytes]] | None = None,
) -> AsyncIterator[BenchStack]:
    """The named services running (scoring as `scoring_instances` processes in one
    consumer group), after `backlog` (key, value) records were put on the applications
    topic; everything stopped on the way out. BENCH_LOG_DIR keeps the logs."""
    topics = Topics(f"b{uuid4().hex[:10]}")
    await ensure_topics(bootstrap, topics.all(), partitions=PARTITIONS)
    if backlog:
        await produce(bootstrap, topics.applications, backlog)
    databases = {name: await fresh_database(server_url, name) for name in SERVICES}
    kept = os.environ.get("BENCH_LOG_DIR")
    with tempfile.TemporaryDirectory() as scratch:
        logs = Path(kept) / topics.namespace if kept else Path(scratch)
        logs.mkdir(parents=True, exist_ok=True)
        tokens = Tokens(Path(scratch))
        mail, mail_port = _mail_sink(logs)
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "QSFUND_TOPIC_NAMESPACE": topics.namespace,
            "QSFUND_POLICY_DIR": str(POLICIES),
            "NOTIFICATIONS_SMTP_PORT": str(mail_port),
            # The benchmark is one caller making thousands of requests a minute: the
            # limits per caller would measure themselves, not the services.
            "QSFUND_RATE_LIMIT_PER_SUBJECT": "1000000000",
            "QSFUND_RATE_LIMIT_PER_ADDRESS": "1000000000",
            **tokens.env,
            **{f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()},
        }
        stack = BenchStack(topics, databases, tokens, env, logs)
        try:
            starting = []
            for service in services:
                count = scoring_instances if service == "scoring" else 1
                for i in range(1, count + 1):
                    name = f"scoring-{i}" if service == "scoring" else service
                    extra = {"SCORING_INSTANCE": name} if service == "scoring" else {}
                    starting.append(stack.start(name, service, extra))
            await asyncio.gather(*starting)
            stack.running["mail sink"] = mail
            yield stack
        finally:
            for process in [*stack.running.values(), mail]:
                process.stop()
