"""Applications travel the whole way through all three services over the real stack."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.policy import latest_policy_version
from tests.e2e.conftest import Stack, wait_for_status
from tests.support.events import VALID_CREDIT_CODES
from tests.support.program import CLAIMS, application
from tests.support.tokens import Tokens


async def query(url: str, sql: str) -> list[Any]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        rows = list((await conn.execute(text(sql))).all())
    await engine.dispose()
    return rows


async def test_applications_go_from_submission_to_award_through_all_services(
    stack: Stack, tokens: Tokens
) -> None:
    now = datetime.now(UTC)
    officer, reviewer = tokens.headers("program_officer"), tokens.headers("reviewer")
    auditor = tokens.headers("auditor")
    async with httpx.AsyncClient(
        base_url=stack.applications.url, headers=auditor, timeout=10
    ) as api:
        created = await api.post(
            "/v1/rounds",
            json={
                "name": "2026 Quality and Standardization Incentives",
                "year": 2026,
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=30)).isoformat(),
                "period_start": "2025-07-01",
                "period_end": "2026-06-30",
                "budget_yuan": 1_000_000,
                "enterprise_cap_yuan": 1_000_000,
            },
            headers=officer,
        )
        assert created.status_code == 201, created.text
        round_id = created.json()["id"]

        bad = application(round_id, "91110108551385082A", CLAIMS["pilot"])
        refused = await api.post(
            "/v1/applications", json=bad, headers=tokens.applicant("91110108551385082A")
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "enterprise.credit_code"
        assert refused.json()["errors"][0]["rule"] == "checksum"

        ids = {}
        for n, (name, claim) in enumerate(CLAIMS.items()):
            code = VALID_CREDIT_CODES[n % 2]
            response = await api.post(
                "/v1/applications",
                json=application(round_id, code, claim),
                headers=tokens.applicant(code),
            )
            assert response.status_code == 201, response.text
            ids[name] = response.json()["id"]
        dishonest = (
            await api.post(
                "/v1/applications",
                json=application(round_id, VALID_CREDIT_CODES[0], CLAIMS["pilot"]),
                headers=tokens.applicant(VALID_CREDIT_CODES[0]),
            )
        ).json()["id"]

        for application_id in ids.values():
            reviewed = await api.post(
                f"/v1/applications/{application_id}/review",
                json={"decision": "eligible"},
                headers=reviewer,
            )
            assert reviewed.status_code == 202, reviewed.text
        await api.post(
            f"/v1/applications/{dishonest}/review",
            json={
                "decision": "ineligible",
                "reason_code": "dishonesty_list",
                "note": "listed 2025",
            },
            headers=reviewer,
        )
        scored = await wait_for_status(api, list(ids.values()), {"scored"})
        assert scored[ids["national_standard"]]["claimed_amount_yuan"] == 300_000
        assert scored[ids["quality_award"]]["claimed_amount_yuan"] == 500_000

        closed = await api.post(f"/v1/rounds/{round_id}/close", headers=officer)
        assert closed.status_code == 202
        late = await api.post(
            "/v1/applications",
            json=application(round_id, VALID_CREDIT_CODES[1], CLAIMS["pilot"]),
            headers=tokens.applicant(VALID_CREDIT_CODES[1]),
        )
        assert late.status_code == 409
        assert late.json()["errors"][0]["rule"] == "round_closed"

        final = await wait_for_status(api, list(ids.values()), {"awarded", "not_awarded"})
        # Rank mode: 110 points (300k) and 100 points (500k) fit in 1,000,000; the
        # 300k pilot at rank 3 does not, and funding stops there.
        assert {name: final[i]["status"] for name, i in ids.items()} == {
            "national_standard": "awarded",
            "quality_award": "awarded",
            "pilot": "not_awarded",
            "adoption": "not_awarded",
        }
        assert final[ids["quality_award"]]["awarded_amount_yuan"] == 500_000
        # Not awarded says why wherever it is read; awarded is proposed until published.
        pilot = final[ids["pilot"]]
        assert (pilot["reason_code"], pilot["award_stage"]) == ("budget_exhausted", None)
        assert "ran out before rank 3" in pilot["reason"]
        assert final[ids["quality_award"]]["award_stage"] in {"proposed", "in_publicity"}
        assert (await api.get(f"/v1/applications/{dishonest}")).json()["status"] == "ineligible"

        summary = (await api.get(f"/v1/rounds/{round_id}")).json()
        assert summary["status"] == "closed"
        assert summary["awarded_total_yuan"] == 800_000 <= summary["budget_yuan"]

        history = (await api.get(f"/v1/applications/{ids['national_standard']}/history")).json()
        code = VALID_CREDIT_CODES[0]
        assert [
            (h["event_type"], h["source"], h["actor_id"], h["actor_role"]) for h in history
        ] == [
            ("ApplicationSubmitted", "applications", f"applicant-{code}", "applicant"),
            ("ApplicationReviewed", "applications", "reviewer-wang", "reviewer"),
            ("ApplicationScored", "scoring", "scoring", "service"),
            ("ApplicationAwarded", "scoring", "scoring", "service"),
        ]
        # A round opened without a policy version pins the newest.
        assert history[3]["payload"]["policy_version"] == latest_policy_version() == "2026.4"

    # Each service's own projection agrees.
    outcomes = await query(
        stack.databases["scoring"],
        "select application_id, awarded_yuan, reason_code from allocation_outcome",
    )
    assert len(outcomes) == 4, "allocated exactly once, by one of the two scoring instances"
    assert sum(row.awarded_yuan for row in outcomes) == 800_000
    events = await query(
        stack.databases["scoring"],
        "select event_type, count(*) from event group by event_type order by event_type",
    )
    assert dict(events) == {
        "ApplicationAwarded": 2,
        "ApplicationNotAwarded": 2,
        "ApplicationScored": 4,
        "RoundAllocated": 1,
    }

    url = stack.notifications.url
    async with httpx.AsyncClient(base_url=url, headers=auditor, timeout=10) as notices:
        for _ in range(120):
            sent = (
                await notices.get(
                    "/v1/notifications", params={"application_id": ids["national_standard"]}
                )
            ).json()
            if len(sent) == 4:
                break
            await asyncio.sleep(0.25)
    assert sorted(n["event_type"] for n in sent) == sorted(
        ["ApplicationSubmitted", "ApplicationReviewed", "ApplicationScored", "ApplicationAwarded"]
    )
    assert {n["channel"] for n in sent} == {"email"}
