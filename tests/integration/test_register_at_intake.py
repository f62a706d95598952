"""The register's two rules at intake, over the real broker and database: the
applications service copies the register from its topic; before any load it takes
filings as it always did; from the first load on it refuses an enterprise the register
does not hold, or holds as deregistered or on the serious-dishonesty list, naming the
rule; and takes the others."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from services.applications.adapters.tables import register
from services.applications.bootstrap import ApplicationsSettings, build_app
from shared.contracts import Contract
from shared.contracts.register import (
    DishonestyEntry,
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)
from shared.topics import Topics
from tests.support.credit_codes import credit_codes
from tests.support.databases import fresh_database, rows_reach
from tests.support.events import stream
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.program import CLAIMS, Program, application
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
REGISTERED, LISTED, GONE, UNKNOWN, EARLY = credit_codes(seed=61, count=5)


def enterprise(code: str, **fields: object) -> RegisteredEnterprise:
    return RegisteredEnterprise.model_validate(
        {
            "credit_code": code,
            "name": f"企业{code[-4:]}",
            "industry_code": "G5430",
            "registered_on": date(2019, 3, 1),
            **fields,
        }
    )


@pytest.fixture
async def program(
    infra: Infrastructure, topics: Topics, tokens: Tokens, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Program, str]]:
    database = await fresh_database(infra.postgres_url, "applications")
    app = build_app(
        ApplicationsSettings(
            applications_register_required=getattr(request, "param", False),
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


async def test_intake_holds_filings_to_the_register_once_it_is_in_use(
    program: tuple[Program, str], infra: Infrastructure, topics: Topics
) -> None:
    filings, database = program
    round_id = await filings.open_round(1_000_000)
    # No register was ever loaded: an enterprise nobody registered still files.
    await filings.submit(round_id, EARLY, CLAIMS["pilot"])

    load: list[Contract] = [
        RegisterLoadAccepted(
            load_id="load-1",
            loaded_by="chongqing-gov-platform",
            sha256="0" * 64,
            rows=3,
            accepted=3,
            rejected=0,
            batches=1,
            problems=[],
        ),
        EnterprisesRegistered(
            load_id="load-1",
            batch=1,
            enterprises=[
                enterprise(REGISTERED),
                enterprise(
                    LISTED,
                    dishonesty=[
                        DishonestyEntry(listed_on=date(2025, 1, 10), reference="渝信[2025]7号")
                    ],
                ),
                enterprise(GONE, deregistered_on=date(2024, 12, 31)),
            ],
        ),
    ]
    records = [(e.aggregate_id.encode(), e.encode()) for e in stream(load, source="register")]
    await produce(infra.kafka_bootstrap, topics.register, records)
    await rows_reach(database, register.enterprise, 3)

    # The register's industry is recorded, given or not; another is refused.
    for given in (None, "G5430"):
        application_id = await filings.submit(
            round_id, REGISTERED, CLAIMS["pilot"], industry_code=given
        )
        history = await filings.api.get(
            f"/v1/applications/{application_id}/history",
            headers=filings.tokens.headers("auditor"),
        )
        [submission] = [e for e in history.json() if e["event_type"] == "ApplicationSubmitted"]
        assert submission["payload"]["enterprise"]["industry_code"] == "G5430"
    contradicting = application(round_id, REGISTERED, CLAIMS["pilot"], industry_code="F51")
    refused = await filings.api.post(
        "/v1/applications", json=contradicting, headers=filings.tokens.applicant(REGISTERED)
    )
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert (error["field"], error["rule"]) == ("enterprise.industry_code", "matches_register")
    assert "G5430" in error["message"]
    for code, rule, said in [
        (UNKNOWN, "registered_in_district", "not in the district's register"),
        (GONE, "registered_in_district", "deregistered on 2024-12-31"),
        (LISTED, "not_on_dishonesty_list", "渝信[2025]7号"),
    ]:
        refused = await filings.api.post(
            "/v1/applications",
            json=application(round_id, code, CLAIMS["pilot"]),
            headers=filings.tokens.applicant(code),
        )
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert (error["field"], error["rule"]) == ("enterprise.credit_code", rule)
        assert said in error["message"]


@pytest.mark.parametrize("program", [True], indirect=True)
async def test_a_district_that_requires_the_register_refuses_filings_before_its_first_load(
    program: tuple[Program, str],
) -> None:
    filings, _ = program
    round_id = await filings.open_round(1_000_000)
    refused = await filings.api.post(
        "/v1/applications",
        json=application(round_id, EARLY, CLAIMS["pilot"]),
        headers=filings.tokens.applicant(EARLY),
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["rule"] == "registered_in_district"
