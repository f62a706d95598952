"""Limits on what a request holds come from settings, and a refusal names the field and
the rule; nothing of a refused request is recorded. The applications API in process, on
a migrated database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from services.applications.adapters.tables import backbone
from services.applications.bootstrap import ApplicationsSettings, build_app
from tests.support.program import CLAIMS, application
from tests.support.tokens import Tokens

CODE = "91110108551385082Q"
EVIDENCE = {"name": "standard.pdf", "size_bytes": 4821, "sha256": "3" * 64}


@pytest.fixture
async def api(applications_db: str, tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApplicationsSettings(
        applications_database_url=applications_db,
        applications_max_evidence=2,
        applications_max_string_length=100,
        applications_max_body_bytes=4096,
        qsfund_auth_jwks_file=tokens.issuer.jwks_file,
        qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
    )
    transport = httpx.ASGITransport(app=build_app(settings))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://applications", headers=tokens.headers("platform")
    ) as client:
        yield client


async def events(database: str) -> int:
    engine = create_async_engine(database)
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(backbone.event))
    await engine.dispose()
    return int(count or 0)


def filing(**changes: Any) -> dict[str, Any]:
    return {**application("no-such-round", CODE, CLAIMS["national_standard"]), **changes}


def refusal(response: httpx.Response) -> tuple[int, str, str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    (error,) = response.json()["errors"][:1]
    return response.status_code, error["field"], error["rule"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (filing(evidence=[EVIDENCE] * 3), (422, "evidence", "too_long")),
        (
            filing(enterprise={"credit_code": CODE, "name": "Y", "industry": "x" * 101}),
            (422, "enterprise.industry", "string_too_long"),
        ),
        (
            filing(contact={"email": "a@b.example.cn", "fax": "023-1234"}),
            (422, "contact.fax", "extra_forbidden"),
        ),
        (filing(note="\x00"), (422, "note", "null_character")),
        (
            filing(claim={"deep": [[[[[[[[[[["x"]]]]]]]]]]]}),
            (422, "claim.deep.0.0.0.0.0.0.0", "too_deep"),
        ),
    ],
    ids=["evidence", "string", "unknown field", "nul", "depth"],
)
async def test_a_body_over_the_limits_is_refused_by_field_and_rule(
    api: httpx.AsyncClient, applications_db: str, body: dict[str, Any], expected: Any
) -> None:
    assert refusal(await api.post("/v1/applications", json=body)) == expected
    assert await events(applications_db) == 0


async def test_malformed_bodies_are_refused_not_failed(
    api: httpx.AsyncClient, applications_db: str
) -> None:
    # Deeper than any recursive parser goes, yet within the body limit: not a 500.
    nested = await api.post("/v1/applications", content=b"[" * 1500 + b"]" * 1500)
    assert refusal(nested) == (422, "body", "too_deep")
    too_big = await api.post("/v1/applications", content=b"[" * 3000 + b"]" * 3000)
    assert refusal(too_big) == (413, "body", "body_too_large")
    undecodable = await api.post(
        "/v1/applications", content=b"\xff\xfe", headers={"content-type": "application/json"}
    )
    assert refusal(undecodable)[::2] == (422, "json_invalid")
    nul = await api.get("/v1/applications/a%00b")
    assert refusal(nul) == (422, "application_id", "null_character")
    assert await events(applications_db) == 0


async def test_a_filing_within_the_limits_is_accepted(
    api: httpx.AsyncClient, tokens: Tokens
) -> None:
    now = datetime.now(UTC)
    opened = await api.post(
        "/v1/rounds",
        headers=tokens.headers("program_officer"),
        json={
            "name": "2026",
            "year": 2026,
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat(),
            "period_start": "2025-07-01",
            "period_end": "2026-06-30",
            "budget_yuan": 1_000_000,
        },
    )
    assert opened.status_code == 201, opened.text
    body = application(opened.json()["id"], CODE, CLAIMS["national_standard"])
    filed = await api.post("/v1/applications", json={**body, "evidence": [EVIDENCE] * 2})
    assert filed.status_code == 201, filed.text
