"""The register's two rules at the decision, over the real broker and database: the
applications and scoring services run side by side; three enterprises file while the
register holds them clean; then a load lists one as dishonest and deregisters another.
The round's allocation rewards only the third, gives the other two nothing with the
reason that names the rule, and spends their money on no one else's behalf wrongly: the
auditor, reading the same topics, reproduces every decision. A later load that lists
the rewarded enterprise from an earlier day does not make that decision wrong."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.audit.verify_run import verify_history
from services.scoring.adapters.tables import register as scoring_copy
from services.scoring.bootstrap import ScoringSettings
from services.scoring.bootstrap import build_app as build_scoring
from shared.contracts import Contract
from shared.contracts.register import (
    DishonestyEntry,
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)
from shared.program_bar import BEIJING
from shared.topics import Topics
from tests.integration.test_register_at_intake import enterprise
from tests.support.credit_codes import credit_codes
from tests.support.databases import fresh_database, rows_reach
from tests.support.events import stream
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.program import CLAIMS, Program
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
KEPT, LISTED, GONE = credit_codes(seed=83, count=3)


@pytest.fixture
async def services(
    infra: Infrastructure, topics: Topics, tokens: Tokens
) -> AsyncIterator[tuple[Program, str]]:
    """The applications API (its consumer running) and the scoring service beside it;
    with scoring's database."""
    from services.applications.bootstrap import ApplicationsSettings
    from services.applications.bootstrap import build_app as build_applications

    common: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "qsfund_topic_namespace": topics.namespace,
        "qsfund_auth_jwks_file": str(tokens.issuer.jwks_file),
        "qsfund_auth_issuer": tokens.env["QSFUND_AUTH_ISSUER"],
    }
    scoring_db = await fresh_database(infra.postgres_url, "scoring")
    applications = build_applications(
        ApplicationsSettings(
            applications_database_url=await fresh_database(infra.postgres_url, "applications"),
            **common,
        )
    )
    scoring = build_scoring(ScoringSettings(scoring_database_url=scoring_db, **common))
    async with (
        applications.router.lifespan_context(applications),
        scoring.router.lifespan_context(scoring),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(applications),
            base_url="http://apps",
            headers=tokens.headers("auditor"),
        ) as api,
        httpx.AsyncClient(transport=httpx.ASGITransport(scoring), base_url="http://scoring") as ops,
    ):
        await until_ready(api)
        await until_ready(ops)
        yield Program(api, tokens), scoring_db


async def load(
    infra: Infrastructure, topics: Topics, load_id: str, records: list[RegisteredEnterprise]
) -> None:
    made: list[Contract] = [
        RegisterLoadAccepted(
            load_id=load_id,
            loaded_by="chongqing-gov-platform",
            sha256="0" * 64,
            rows=len(records),
            accepted=len(records),
            rejected=0,
            batches=1,
            problems=[],
        ),
        EnterprisesRegistered(load_id=load_id, batch=1, enterprises=records),
    ]
    sealed = stream(made, source="register")
    await produce(
        infra.kafka_bootstrap,
        topics.register,
        [(e.aggregate_id.encode(), e.encode()) for e in sealed],
    )


async def settled(program: Program, ids: list[str]) -> dict[str, Any]:
    """Each application once decided (at most 60 s): a positive signal, polled."""
    views: dict[str, Any] = {}
    for _ in range(240):
        views = {i: await program.status(i) for i in ids}
        if all(v["status"] in ("awarded", "not_awarded") for v in views.values()):
            return views
        await asyncio.sleep(0.25)
    raise AssertionError(f"not decided: {[v['status'] for v in views.values()]}")


async def test_the_allocation_rewards_only_enterprises_the_register_holds_clean_at_the_decision(
    services: tuple[Program, str], infra: Infrastructure, topics: Topics
) -> None:
    program, scoring_db = services
    await load(infra, topics, "load-1", [enterprise(code) for code in (KEPT, LISTED, GONE)])
    await rows_reach(scoring_db, scoring_copy.load, 1)
    # Budget for two of the three: what the barred do not take is left, not theirs.
    round_id = await program.open_round(600_000)
    ids = {
        code: await program.submit(round_id, code, CLAIMS["pilot"]) for code in (KEPT, LISTED, GONE)
    }

    # Filed clean; then, before the decision, one is listed and one deregistered.
    today = datetime.now(BEIJING).date()
    await load(
        infra,
        topics,
        "load-2",
        [
            enterprise(
                LISTED,
                dishonesty=[
                    DishonestyEntry(listed_on=today - timedelta(days=2), reference="渝信[2026]9号")
                ],
            ),
            enterprise(GONE, deregistered_on=today - timedelta(days=1)),
        ],
    )
    await rows_reach(scoring_db, scoring_copy.load, 2)
    for application_id in ids.values():
        await program.review(application_id)
    await program.close(round_id)

    views = await settled(program, list(ids.values()))
    kept, listed, gone = (views[ids[code]] for code in (KEPT, LISTED, GONE))
    assert (kept["status"], kept["awarded_amount_yuan"]) == ("awarded", 300_000)
    # Filed as "retail", recorded as the register's G5430 (road transport): under the
    # round's policy (2026.4, the newest) logistics, a priority: 60 for the level, 15.
    assert kept["score"] == 60 + 15
    assert (listed["status"], listed["reason_code"]) == ("not_awarded", "on_dishonesty_list")
    assert "渝信[2026]9号" in listed["reason"]
    assert (gone["status"], gone["reason_code"]) == ("not_awarded", "not_registered_in_district")
    assert str(today - timedelta(days=1)) in gone["reason"]

    names = [topics.applications, topics.scoring]

    def audit() -> list[dict[str, Any]]:
        verdict = verify_history(
            infra.kafka_bootstrap, names, workers=1, register_topic=topics.register
        )
        return [f.as_dict() for f in verdict.findings]

    assert await asyncio.to_thread(audit) == []

    # Listed from a year back, but loaded only now: the award stood when it was made.
    await load(
        infra,
        topics,
        "load-3",
        [
            enterprise(
                KEPT,
                dishonesty=[
                    DishonestyEntry(listed_on=date(today.year - 1, 1, 5), reference="渝信[2025]1号")
                ],
            )
        ],
    )
    await rows_reach(scoring_db, scoring_copy.load, 3)
    assert await asyncio.to_thread(audit) == []
