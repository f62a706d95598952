"""The applications service running in the test's process, over the test's broker and a
fresh database of its own, driven through its HTTP API as a `Program`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from services.applications.bootstrap import ApplicationsSettings, build_app
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.program import Program
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens


@asynccontextmanager
async def applications_running(
    infra: Infrastructure, topics: Topics, tokens: Tokens, **settings: Any
) -> AsyncIterator[tuple[Program, str]]:
    """The program (its client reads as an auditor unless a step says otherwise) and the
    service's database URL."""
    database = await fresh_database(infra.postgres_url, "applications")
    app = build_app(
        ApplicationsSettings(
            applications_database_url=database,
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            qsfund_topic_namespace=topics.namespace,
            qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
            **settings,
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app),
            base_url="http://apps",
            headers=tokens.headers("auditor"),
        ) as api,
    ):
        await until_ready(api)
        yield Program(api, tokens), database
