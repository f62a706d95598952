"""Who read what, attacked over a real PostgreSQL (issue 19, item 1): a read of an
application's contact and evidence is recorded (who, when, which record and fields, from
where, through which endpoint) and auditors find it; the service's own database role can
neither change nor remove a record; and a read whose record cannot be written fails and
shows nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import httpx
import pytest

from services.applications.bootstrap import ApplicationsSettings, build_app
from shared.topics import Topics
from tests.support.credit_codes import credit_codes
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.program import CLAIMS, Program
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
[ENTERPRISE] = credit_codes(seed=83, count=1)
HISTORY = "GET /v1/applications/{application_id}/history"


@pytest.fixture
async def service(
    infra: Infrastructure, topics: Topics, tokens: Tokens
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
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
        yield api, database


def _dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://")


async def _filed(api: httpx.AsyncClient, tokens: Tokens) -> str:
    program = Program(api, tokens)
    round_id = await program.open_round(1_000_000)
    return await program.submit(round_id, ENTERPRISE, CLAIMS["pilot"])


async def test_a_read_of_contact_and_evidence_is_recorded_and_auditors_find_it(
    service: tuple[httpx.AsyncClient, str], tokens: Tokens
) -> None:
    api, _ = service
    application_id = await _filed(api, tokens)
    before = datetime.now(UTC)
    read = await api.get(
        f"/v1/applications/{application_id}/history",
        headers=tokens.headers("reviewer", sub="reviewer-zhao"),
    )
    assert read.status_code == 200, read.text
    assert read.json()[0]["payload"]["contact"]["email"]

    auditor = tokens.headers("auditor")
    by_record = await api.get(
        "/v1/read-log",
        params={"record_type": "application", "record_id": application_id},
        headers=auditor,
    )
    assert by_record.status_code == 200, by_record.text
    [entry] = by_record.json()
    assert entry["subject"] == "reviewer-zhao"
    assert entry["role"] == "reviewer"
    assert entry["endpoint"] == HISTORY
    assert entry["fields"] == ["contact", "evidence"]
    assert entry["client_address"] == "127.0.0.1"
    assert datetime.fromisoformat(entry["read_at"]) >= before - timedelta(seconds=1)

    # "What did reviewer-zhao read since this morning": the same entry, and only it.
    by_subject = await api.get(
        "/v1/read-log",
        params={"subject": "reviewer-zhao", "since": before.isoformat()},
        headers=auditor,
    )
    assert [e["id"] for e in by_subject.json()] == [entry["id"]]
    nobody = await api.get("/v1/read-log", params={"subject": "reviewer-li"}, headers=auditor)
    assert nobody.json() == []
    # The record is the auditors': a reviewer may not read who read what.
    refused = await api.get("/v1/read-log", headers=tokens.headers("reviewer"))
    assert refused.status_code == 403
    # A filter PostgreSQL cannot hold is refused at its field.
    nul = await api.get("/v1/read-log", params={"subject": "reviewer\x00zhao"}, headers=auditor)
    assert nul.status_code == 422, nul.text
    assert nul.json()["errors"][0]["field"] == "subject"
    assert nul.json()["errors"][0]["rule"] == "null_character"
    beyond = await api.get("/v1/read-log", params={"after": 2**63}, headers=auditor)
    assert beyond.status_code == 422, beyond.text
    # A time is a timestamp with its zone: not a number (pydantic would read 241 as
    # 00:04:01 on 1 January 1970), not a day alone, not a time of no zone.
    for field, wrong in [("until", "241"), ("since", "2026-07-01"), ("until", "2026-07-01T08:00")]:
        lax = await api.get("/v1/read-log", params={field: wrong}, headers=auditor)
        assert lax.status_code == 422, (wrong, lax.text)
        [error] = lax.json()["errors"]
        assert (error["field"], error["rule"]) == (f"query.{field}", "timestamp_iso8601")
        assert "ISO 8601" in error["message"]
    # A timestamp in any zone is taken: an hour ago in Beijing time finds the entry.
    beijing = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))) - timedelta(hours=1)
    zoned = await api.get("/v1/read-log", params={"since": beijing.isoformat()}, headers=auditor)
    assert [e["id"] for e in zoned.json() if e["id"] == entry["id"]] == [entry["id"]]


async def test_the_services_own_role_can_neither_change_nor_remove_a_record(
    service: tuple[httpx.AsyncClient, str], tokens: Tokens
) -> None:
    api, database = service
    application_id = await _filed(api, tokens)
    read = await api.get(
        f"/v1/applications/{application_id}/history",
        headers=tokens.headers("reviewer", sub="reviewer-chen"),
    )
    assert read.status_code == 200
    # The service's own credentials: what an attacker inside the service would hold.
    connection = await asyncpg.connect(_dsn(database))
    try:
        for statement in (
            "UPDATE read_log SET subject = 'someone-else'",
            "DELETE FROM read_log",
            "TRUNCATE read_log",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
                await connection.execute(statement)
        assert await connection.fetchval("SELECT count(*) FROM read_log") == 1
        assert await connection.fetchval("SELECT subject FROM read_log") == "reviewer-chen"
    finally:
        await connection.close()


async def test_a_read_whose_record_cannot_be_written_fails_and_shows_nothing(
    service: tuple[httpx.AsyncClient, str], tokens: Tokens
) -> None:
    api, database = service
    application_id = await _filed(api, tokens)
    connection = await asyncpg.connect(_dsn(database))
    try:
        # Every new record is refused from now on (NOT VALID: the rows there stay).
        await connection.execute(
            "ALTER TABLE read_log ADD CONSTRAINT refuse_all CHECK (false) NOT VALID"
        )
        read = await api.get(
            f"/v1/applications/{application_id}/history", headers=tokens.headers("reviewer")
        )
        assert read.status_code == 503, read.text
        [error] = read.json()["errors"]
        assert error["rule"] == "read_recorded"
        assert ENTERPRISE not in read.text
        assert "@" not in read.text
        assert read.headers["Retry-After"]

        await connection.execute("ALTER TABLE read_log DROP CONSTRAINT refuse_all")
        again = await api.get(
            f"/v1/applications/{application_id}/history", headers=tokens.headers("reviewer")
        )
        assert again.status_code == 200
        assert await connection.fetchval("SELECT count(*) FROM read_log") == 1
    finally:
        await connection.close()
