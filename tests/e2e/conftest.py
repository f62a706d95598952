from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from shared.admin import ensure_topics
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import delete_topics
from tests.support.limits import UNTHROTTLED
from tests.support.processes import BIN, ServiceProcess, free_port
from tests.support.tokens import Tokens

pytestmark = pytest.mark.e2e
TEST_POLICIES = Path(__file__).resolve().parents[1] / "support" / "policies"


@dataclass
class Stack:
    applications: ServiceProcess
    scoring: list[ServiceProcess]
    notifications: ServiceProcess
    databases: dict[str, str]
    # What every process of the stack was started with: a module that adds a process
    # (the payments service, the finance stand-in) starts it alike.
    env: dict[str, str]


@pytest.fixture(scope="module")
async def stack_topics(infra: Infrastructure) -> AsyncIterator[Topics]:
    namespace = Topics(f"e{uuid4().hex[:10]}")
    await ensure_topics(infra.kafka_bootstrap, namespace.all(), partitions=4)
    yield namespace
    await delete_topics(infra.kafka_bootstrap, namespace.all())


@pytest.fixture(scope="module")
async def database_urls(infra: Infrastructure) -> dict[str, str]:
    return {
        service: await fresh_database(infra.postgres_url, service)
        for service in ("applications", "scoring", "notifications", "payments")
    }


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """Settings a test module adds to every service of its stack (it may override this)."""
    return {}


@pytest.fixture(scope="module")
def stack(
    infra: Infrastructure,
    stack_topics: Topics,
    database_urls: dict[str, str],
    tokens: Tokens,
    stack_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """All three services as processes, with two scoring instances in one consumer group;
    one stack per test module, each test in rounds of its own."""
    logs = tmp_path_factory.mktemp("stack")
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
        "QSFUND_POLICY_DIR": str(TEST_POLICIES),
        **tokens.env,
        **UNTHROTTLED,
        **{f"{name.upper()}_DATABASE_URL": url for name, url in database_urls.items()},
        **stack_env,
    }
    running = Stack(
        applications=ServiceProcess.service("applications", env, logs),
        scoring=[
            ServiceProcess.service("scoring", {**env, "SCORING_INSTANCE": f"scoring-{i}"}, logs)
            for i in (1, 2)
        ],
        notifications=ServiceProcess.service("notifications", env, logs),
        databases=database_urls,
        env=env,
    )
    processes = [running.applications, *running.scoring, running.notifications]
    try:
        for process in processes:
            process.start()
        yield running
    finally:
        # A test may have scaled scoring in or out: stop whatever runs now.
        for process in [running.applications, *running.scoring, running.notifications]:
            process.stop()


async def wait_for_status(
    api: httpx.AsyncClient, ids: list[str], wanted: set[str]
) -> dict[str, Any]:
    """Poll until every application has one of the wanted statuses (at most 60 s); `api`
    carries a token that reads every application (the fixtures give an auditor's)."""
    views: dict[str, Any] = {}
    for _ in range(240):
        views = {i: (await api.get(f"/v1/applications/{i}")).json() for i in ids}
        if all(view["status"] in wanted for view in views.values()):
            return views
        await asyncio.sleep(0.25)
    raise AssertionError(f"not all {wanted}: {[v['status'] for v in views.values()]}")


@dataclass
class Finance:
    payments: ServiceProcess
    bureau: ServiceProcess


@pytest.fixture(scope="module")
def finance(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Finance]:
    """The payments service and the finance bureau's stand-in, each calling the other,
    for the modules that need them (most do not: the stack stays lighter without)."""
    logs = tmp_path_factory.mktemp("finance")
    payments_port, bureau_port = free_port(), free_port()
    bureau = ServiceProcess(
        [str(BIN / "qsfund-finance-standin")],
        {
            **stack.env,
            "FINANCE_STANDIN_PORT": str(bureau_port),
            "FINANCE_STANDIN_CALLBACK_URL": (
                f"http://127.0.0.1:{payments_port}/v1/finance/callbacks"
            ),
            "FINANCE_STANDIN_CALLBACK_BACKOFF_BASE_SECONDS": "0.2",
            "FINANCE_STANDIN_TICK_SECONDS": "0.2",
        },
        logs / "finance-standin.log",
        bureau_port,
    )
    payments = ServiceProcess(
        [str(BIN / "qsfund-payments")],
        {
            **stack.env,
            "PAYMENTS_PORT": str(payments_port),
            "PAYMENTS_FINANCE_URL": f"http://127.0.0.1:{bureau_port}",
            "PAYMENTS_CALLS_POLL_SECONDS": "0.2",
        },
        logs / "payments.log",
        payments_port,
    )
    try:
        bureau.start()
        payments.start()
        yield Finance(payments, bureau)
    finally:
        payments.stop()
        bureau.stop()


@pytest.fixture(scope="module")
async def reports(
    stack: Stack, infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    """The reports service over the stack's topics, with a database of its own, for the
    modules that read the office's report."""
    url = await fresh_database(infra.postgres_url, "reports")
    logs = tmp_path_factory.mktemp("reports")
    process = ServiceProcess.service("reports", {**stack.env, "REPORTS_DATABASE_URL": url}, logs)
    process.start()
    try:
        yield process
    finally:
        process.stop()


async def _register_process(
    stack: Stack, infra: Infrastructure, logs: Path, namespace: str
) -> ServiceProcess:
    url = await fresh_database(infra.postgres_url, "register")
    env = {**stack.env, "REGISTER_DATABASE_URL": url, "QSFUND_TOPIC_NAMESPACE": namespace}
    return ServiceProcess.service("register", env, logs)


@pytest.fixture(scope="module")
async def register(
    stack: Stack, infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    """The register service over the stack's topics: its loads reach the stack's intake."""
    namespace = stack.env["QSFUND_TOPIC_NAMESPACE"]
    logs = tmp_path_factory.mktemp("register")
    process = (await _register_process(stack, infra, logs, namespace)).start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
async def register_apart(
    stack: Stack, infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    """The register service on topics of its own: a module that loads a register only to
    test its API leaves the stack's intake as a deployment without a register."""
    namespace = Topics(f"r{uuid4().hex[:10]}")
    await ensure_topics(infra.kafka_bootstrap, namespace.all(), partitions=1)
    logs = tmp_path_factory.mktemp("register")
    process = (await _register_process(stack, infra, logs, namespace.namespace)).start()
    try:
        yield process
    finally:
        process.stop()
