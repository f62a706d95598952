"""The register service over the real PostgreSQL and Kafka: a platform's loads, with bad
rows, as JSON and as CSV; the same load again; the register's events on its topic as a
consumer reads them; an enterprise's record after a later load changed it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.register.bootstrap import RegisterSettings, build_app
from shared.contracts import parse_payload
from shared.contracts.register import EnterprisesRegistered, RegisterLoadAccepted
from shared.envelope import Envelope
from shared.topics import Topics
from tests.support.credit_codes import credit_codes
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import read_all
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
A, B, C, D = credit_codes(seed=51, count=4)
LOADS = "/v1/register/loads"


@pytest.fixture
async def register(
    infra: Infrastructure, topics: Topics, tokens: Tokens
) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(
        RegisterSettings(
            register_database_url=await fresh_database(infra.postgres_url, "register"),
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            qsfund_topic_namespace=topics.namespace,
            qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://register") as api,
    ):
        await until_ready(api)
        yield api


def row(code: str, name: str = "重庆冷链物流有限公司", **fields: Any) -> dict[str, Any]:
    return {
        "credit_code": code,
        "name": name,
        "industry_code": "G5430",
        "registered_on": "2019-03-01",
        **fields,
    }


async def test_a_load_takes_the_good_rows_reports_the_bad_and_publishes_them_in_batches(
    register: httpx.AsyncClient, tokens: Tokens, infra: Infrastructure, topics: Topics
) -> None:
    platform = tokens.headers("platform")
    body = {
        "load_id": "2026-06-01",
        "rows": [
            row(A, former_names=["重庆冷链运输有限公司"]),
            row(B, industry_code="X99"),
            row(C, registered_on="yesterday"),
            row(D, dishonesty=[{"listed_on": "2025-01-10", "reference": "渝信[2025]7号"}]),
        ],
    }
    taken = await register.post(LOADS, json=body, headers=platform)
    assert taken.status_code == 200, taken.text
    answer = taken.json()
    assert (answer["rows"], answer["accepted"], answer["rejected"]) == (4, 2, 2)
    assert [(p["row"], p["field"], p["rule"]) for p in answer["problems"]] == [
        (2, "industry_code", "industry_code_format"),
        (3, "registered_on", "date"),
    ]
    assert answer["loaded_by"] == "chongqing-gov-platform"

    # The same load again (a platform's retry) answers as the first time, and takes nothing.
    again = await register.post(LOADS, json=body, headers=platform)
    assert again.json() == answer
    other = await register.post(LOADS, json={**body, "rows": [row(B)]}, headers=platform)
    assert other.status_code == 409
    assert other.json()["errors"][0]["rule"] == "same_load"

    found = await register.get(f"/v1/register/enterprises/{D}", headers=tokens.headers("reviewer"))
    assert found.status_code == 200, found.text
    assert found.json()["dishonesty"] == [
        {"listed_on": "2025-01-10", "removed_on": None, "reference": "渝信[2025]7号"}
    ]
    missing = await register.get(
        f"/v1/register/enterprises/{B}", headers=tokens.headers("reviewer")
    )
    assert missing.status_code == 404

    # On the topic: the acceptance and one batch, as any consumer decodes them.
    records = await read_all(infra.kafka_bootstrap, topics.register, expect=2)
    events = [parse_payload(Envelope.decode(r.value)) for r in records]
    assert len(events) == 2
    [accepted] = [e for e in events if isinstance(e, RegisterLoadAccepted)]
    [batch] = [e for e in events if isinstance(e, EnterprisesRegistered)]
    assert accepted.rejected == 2
    assert [e.credit_code for e in batch.enterprises] == [A, D]
    assert batch.enterprises[0].former_names == ["重庆冷链运输有限公司"]


async def test_a_csv_load_updates_the_record_a_json_load_made(
    register: httpx.AsyncClient, tokens: Tokens
) -> None:
    platform = tokens.headers("platform")
    first = await register.post(
        LOADS, json={"load_id": "first", "rows": [row(A)]}, headers=platform
    )
    assert first.status_code == 200, first.text
    csv = (
        "credit_code,name,former_names,industry_code,registered_on,deregistered_on,"
        "dishonesty_listed_on,dishonesty_removed_on,dishonesty_reference\n"
        f"{A},重庆冷链供应链有限公司,重庆冷链物流有限公司,G59,2019-03-01,2026-05-31,,,\n"
        f"{B},乙公司,,G54,not-a-date,,,,\n"
    ).encode()
    second = await register.post(
        f"{LOADS}?load_id=second",
        content=csv,
        headers={**platform, "Content-Type": "text/csv; charset=utf-8"},
    )
    assert second.status_code == 200, second.text
    assert (second.json()["accepted"], second.json()["rejected"]) == (1, 1)
    record = (
        await register.get(f"/v1/register/enterprises/{A}", headers=tokens.headers("auditor"))
    ).json()
    assert (record["name"], record["former_names"], record["industry_code"]) == (
        "重庆冷链供应链有限公司",
        ["重庆冷链物流有限公司"],
        "G59",
    )
    assert (record["deregistered_on"], record["load_id"]) == ("2026-05-31", "second")


async def test_a_load_that_cannot_be_read_is_refused_whole(
    register: httpx.AsyncClient, tokens: Tokens
) -> None:
    platform = {**tokens.headers("platform"), "Content-Type": "text/csv"}
    no_header = await register.post(f"{LOADS}?load_id=x", content=b"a,b\n1,2\n", headers=platform)
    assert no_header.status_code == 422
    assert no_header.json()["errors"][0]["rule"] == "header"
    latin = b"credit_code,name,industry_code,registered_on\n" + "é".encode("latin-1")
    not_utf8 = await register.post(f"{LOADS}?load_id=y", content=latin, headers=platform)
    assert not_utf8.status_code == 422
    assert not_utf8.json()["errors"][0]["rule"] == "utf8"
    no_id = await register.post(LOADS, content=b"credit_code\n", headers=platform)
    assert no_id.json()["errors"][0]["field"] == "load_id"
    # Nothing of the refused loads was taken: their ids are free.
    retried = await register.post(
        f"{LOADS}?load_id=x",
        content=f"credit_code,name,industry_code,registered_on\n{A},甲,G54,2019-03-01\n".encode(),
        headers=platform,
    )
    assert retried.json()["accepted"] == 1


async def test_the_classification_is_public(register: httpx.AsyncClient) -> None:
    answer = await register.get("/v1/register/industries")
    assert answer.status_code == 200
    sections = answer.json()["sections"]
    assert len(sections) == 20
    assert sum(len(s["divisions"]) for s in sections) == 97
