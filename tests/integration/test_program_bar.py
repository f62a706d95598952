"""The three-year bar at intake, over the real broker and database: the applications
service reads the payments service's revocations from their topic and refuses a filing
by an enterprise an award revoked for false materials bars; other enterprises, and a
revocation for another reason, bar nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.applications.adapters.tables import award_revocation
from services.applications.bootstrap import ApplicationsSettings, build_app
from shared.contracts.payments import AwardRevoked, RevocationReason
from shared.program_bar import bar_of
from shared.topics import Topics
from tests.support.credit_codes import credit_codes
from tests.support.databases import fresh_database, rows_reach
from tests.support.events import stream
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.program import CLAIMS, Program, application
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens

FRAUD, DOUBLE, CLEAN = credit_codes(seed=14, count=3)


def revoked(credit_code: str, reason: RevocationReason, application_id: str) -> AwardRevoked:
    return AwardRevoked(
        application_id=application_id,
        credit_code=credit_code,
        reason=reason,
        document_reference=f"渝质撤[2026]{application_id}号",
        revoked_at=datetime.now(UTC) - timedelta(days=2),
        paid_yuan=150_000,
        cancelling=[],
    )


@pytest.fixture
async def program(
    infra: Infrastructure, topics: Topics, tokens: Tokens
) -> AsyncIterator[tuple[Program, str]]:
    database = await fresh_database(infra.postgres_url, "applications")
    app = build_app(
        ApplicationsSettings(
            applications_database_url=database,
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            qsfund_topic_namespace=topics.namespace,
            qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://apps") as api,
    ):
        await until_ready(api)
        yield Program(api, tokens), database


async def test_an_enterprise_barred_for_false_materials_is_refused_at_intake_with_the_reason(
    program: tuple[Program, str], infra: Infrastructure, topics: Topics
) -> None:
    filings, database = program
    fraud = revoked(FRAUD, "false_materials", "award-1")
    double = revoked(DOUBLE, "duplicate_funding", "award-2")
    records = [
        (envelope.aggregate_id.encode(), envelope.encode())
        for event in (fraud, double)
        for envelope in stream([event], source="payments")
    ]
    await produce(infra.kafka_bootstrap, topics.payments, records)
    await rows_reach(database, award_revocation, 2)

    round_id = await filings.open_round(1_000_000)
    refused = await filings.api.post(
        "/v1/applications",
        json=application(round_id, FRAUD, CLAIMS["pilot"]),
        headers=filings.tokens.applicant(FRAUD),
    )
    assert refused.status_code == 422, refused.text
    bar = bar_of(fraud)
    assert bar is not None
    assert refused.json()["errors"] == [
        {"field": "enterprise.credit_code", "rule": "not_barred", "message": bar.reason()}
    ]
    assert str(bar.last_day) in refused.json()["title"]

    # Another enterprise, and one whose award was revoked for duplicate funding, file.
    await filings.submit(round_id, CLEAN, CLAIMS["pilot"])
    await filings.submit(round_id, DOUBLE, CLAIMS["pilot"])
