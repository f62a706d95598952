"""The funding program over the real stack: intake rules, review, amendment, withdrawal,
lapse, highest-level-only across rounds, the annual cap, both allocation modes, and one
allocation per round under two scoring instances."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.topics import Topics
from tests.e2e.conftest import Stack, wait_for_status
from tests.e2e.test_audit import audit
from tests.support.credit_codes import credit_codes
from tests.support.infrastructure import Infrastructure
from tests.support.program import CLAIMS, Program, application
from tests.support.publicity import published_list
from tests.support.tokens import Tokens

CODES = iter(credit_codes(seed=3))
DECIDED = {"awarded", "not_awarded"}


@pytest.fixture
async def program(stack: Stack, tokens: Tokens) -> AsyncIterator[Program]:
    url, reader = stack.applications.url, tokens.headers("auditor")
    async with httpx.AsyncClient(base_url=url, headers=reader, timeout=10) as api:
        yield Program(api, tokens)


def with_claim(**changes: Any) -> dict[str, Any]:
    base = dict(CLAIMS["national_standard"])
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


BAD_APPLICATIONS: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown category", {"claim": {"category": "lottery_win"}}, "claim", "union_tag_invalid"),
    ("unknown level", {"claim": with_claim(level="provincial")}, "claim.level", "literal_error"),
    ("standard without role", {"claim": with_claim(role=None)}, "claim.role", "missing"),
    (
        "award without tier",
        {"claim": {**CLAIMS["quality_award"], "tier": None}},
        "claim.tier",
        "literal_error",
    ),
    (
        "award without the day it was conferred",
        {"claim": {k: v for k, v in CLAIMS["quality_award"].items() if k != "conferred_on"}},
        "claim.conferred_on",
        "missing",
    ),
    (
        # The old rule took any title of 2025 or 2026: the period touches both years.
        "award of the period's first year conferred before the period",
        {"claim": {**CLAIMS["quality_award"], "year": 2025, "conferred_on": "2025-06-30"}},
        "claim.conferred_on",
        "within_round_period",
    ),
    (
        "award conferred the day after the period",
        {"claim": {**CLAIMS["quality_award"], "conferred_on": "2026-07-01"}},
        "claim.conferred_on",
        "within_round_period",
    ),
    (
        "pilot without acceptance date",
        {"claim": {k: v for k, v in CLAIMS["pilot"].items() if k != "accepted_on"}},
        "claim.accepted_on",
        "missing",
    ),
    (
        "adoption without products",
        {"claim": {k: v for k, v in CLAIMS["adoption"].items() if k != "products"}},
        "claim.products",
        "missing",
    ),
    (
        "bad check character",
        {"enterprise": {"credit_code": "91110108551385082A", "name": "X", "industry": "retail"}},
        "enterprise.credit_code",
        "checksum",
    ),
    (
        "published before the period",
        {"claim": with_claim(published_on="2025-06-30")},
        "claim.published_on",
        "within_round_period",
    ),
    ("an unknown field", {"claim": with_claim(colour="red")}, "claim.colour", "extra_forbidden"),
    (
        "a bad evidence hash",
        {"evidence": [{"name": "a", "size_bytes": 1, "sha256": "xyz"}]},
        "evidence.0.sha256",
        "string_pattern_mismatch",
    ),
]


async def test_each_category_is_validated_and_nothing_invalid_becomes_an_event(
    program: Program,
) -> None:
    round_id = await program.open_round(budget=5_000_000)
    code = next(CODES)
    for name, change, field, rule in BAD_APPLICATIONS:
        body = {**application(round_id, code, CLAIMS["pilot"]), **change}
        applicant = program.tokens.applicant(body["enterprise"]["credit_code"])
        refused = await program.api.post("/v1/applications", json=body, headers=applicant)
        assert refused.status_code == 422, name
        assert refused.headers["content-type"] == "application/problem+json"
        errors = refused.json()["errors"]
        assert (errors[0]["field"], errors[0]["rule"]) == (field, rule), name
    for claim in CLAIMS.values():
        await program.submit(round_id, code, claim)
    summary = (await program.api.get(f"/v1/rounds/{round_id}")).json()
    assert summary["applications_by_status"] == {"submitted": 4}
    assert summary["applications_by_category"] == {
        "pilot_project": 1,
        "quality_brand": 1,
        "standard": 1,
        "standard_adoption": 1,
    }
    mine = (await program.api.get(f"/v1/enterprises/{code}/applications")).json()
    assert len(mine) == 4


async def test_review_outcomes_amendment_withdrawal_and_lapse(
    program: Program, stack: Stack
) -> None:
    round_id = await program.open_round(budget=5_000_000)
    codes = [next(CODES) for _ in range(5)]
    eligible, ineligible, amended, withdrawn, lapsing = [
        await program.submit(round_id, code, CLAIMS["national_standard"]) for code in codes
    ]
    await program.review(eligible)
    await program.review(ineligible, "ineligible", reason_code="dishonesty_list", note="2025 list")
    await program.review(amended, "returned", note="attach the standard's foreword")
    await program.review(lapsing, "returned", note="attach the acceptance document")

    fixed = application(round_id, codes[2], with_claim(title="Cold-chain logistics, revised"))
    del fixed["round_id"]
    response = await program.amend(amended, fixed)
    assert response.status_code == 202, response.text
    assert (await program.status(amended))["status"] == "submitted"
    await program.review(amended)

    await wait_for_status(program.api, [eligible, amended], {"scored"})
    response = await program.withdraw(withdrawn, "merged")
    assert response.status_code == 202
    again = await program.withdraw(withdrawn)
    assert (again.status_code, again.json()["errors"][0]["rule"]) == (409, "still_open")

    await program.close(round_id)
    final = await wait_for_status(program.api, [eligible, amended], DECIDED)
    assert {v["status"] for v in final.values()} == {"awarded"}
    assert (await program.status(ineligible))["status"] == "ineligible"
    assert (await program.status(withdrawn))["status"] == "withdrawn"
    assert (await program.status(lapsing))["status"] == "ineligible"
    history = (await program.api.get(f"/v1/applications/{lapsing}/history")).json()
    assert history[-1]["payload"]["reason_code"] == "lapsed"
    assert history[-1]["actor_id"] == "officer-li"


async def decided(program: Program, round_id: str, ids: list[str]) -> dict[str, Any]:
    await program.close(round_id)
    return await wait_for_status(program.api, ids, DECIDED)


async def history_of(program: Program, application_id: str) -> list[dict[str, Any]]:
    return list((await program.api.get(f"/v1/applications/{application_id}/history")).json())


async def test_an_achievement_is_rewarded_once_at_its_highest_level_across_rounds(
    program: Program,
) -> None:
    code = next(CODES)
    nominee = {**CLAIMS["quality_award"], "tier": "nominee"}
    winner = {**CLAIMS["quality_award"], "tier": "winner"}

    outcomes = []
    for claim in (nominee, winner, nominee):
        round_id = await program.open_round(budget=5_000_000)
        application_id = await program.submit(round_id, code, claim)
        await program.review(application_id)
        await wait_for_status(program.api, [application_id], {"scored"})
        outcomes.append((await decided(program, round_id, [application_id]))[application_id])

    assert [(o["status"], o["awarded_amount_yuan"]) for o in outcomes] == [
        ("awarded", 500_000),  # the nominee's amount
        ("awarded", 500_000),  # the winner's 1,000,000 less what the nominee was paid
        ("not_awarded", None),  # the same achievement, again at a lower level
    ]
    last = (await history_of(program, outcomes[2]["id"]))[-1]
    assert (last["event_type"], last["payload"]["reason_code"]) == (
        "ApplicationNotAwarded",
        "already_rewarded",
    )
    second = (await history_of(program, outcomes[1]["id"]))[-1]["payload"]
    assert second["prior_achievement_reward_yuan"] == 500_000


async def test_the_enterprise_cap_spans_the_rounds_of_a_year(program: Program) -> None:
    code = next(CODES)
    first = await program.open_round(budget=5_000_000)
    big = await program.submit(first, code, {**CLAIMS["quality_award"], "tier": "winner"})
    small = await program.submit(first, code, CLAIMS["adoption"])
    for application_id in (big, small):
        await program.review(application_id)
    await wait_for_status(program.api, [big, small], {"scored"})
    result = await decided(program, first, [big, small])
    assert result[big]["awarded_amount_yuan"] == 1_000_000
    assert result[small]["status"] == "not_awarded"

    second = await program.open_round(budget=5_000_000)
    later = await program.submit(second, code, CLAIMS["national_standard"])
    await program.review(later)
    await wait_for_status(program.api, [later], {"scored"})
    assert (await decided(program, second, [later]))[later]["status"] == "not_awarded"
    assert (await history_of(program, later))[-1]["payload"]["reason_code"] == (
        "enterprise_cap_reached"
    )


async def test_pro_rata_shares_a_short_budget_to_the_yuan(program: Program) -> None:
    round_id = await program.open_round(budget=500_000, policy_version="2026.1-pro-rata")
    claims = [
        (CLAIMS["national_standard"], "logistics"),  # 300,000, 125 points
        (CLAIMS["pilot"], "retail"),  # 300,000, 60 points
        ({**CLAIMS["national_standard"], "role": "participant"}, "retail"),  # 120,000
    ]
    ids = [await program.submit(round_id, next(CODES), c, industry=i) for c, i in claims]
    for application_id in ids:
        await program.review(application_id)
    await wait_for_status(program.api, ids, {"scored"})
    result = await decided(program, round_id, ids)
    # 500,000 / 720,000 of each claim, rounded down, leaves 1 yuan; it goes to the largest
    # remainder, and all three tie (a third of a yuan), so to the best rank: 125 points.
    awarded = [result[i]["awarded_amount_yuan"] for i in ids]
    assert sum(awarded) == 500_000
    assert awarded == [208_334, 208_333, 83_333]


async def test_a_round_is_allocated_once_with_two_scoring_instances(
    program: Program, stack: Stack
) -> None:
    round_id = await program.open_round(budget=3_000_000)
    kinds = list(CLAIMS.values())
    ids = [await program.submit(round_id, next(CODES), kinds[n % 4]) for n in range(24)]
    for application_id in ids:
        await program.review(application_id)
    await wait_for_status(program.api, ids, {"scored"})
    result = await decided(program, round_id, ids)
    assert sum(v["awarded_amount_yuan"] or 0 for v in result.values()) <= 3_000_000

    engine = create_async_engine(stack.databases["scoring"])
    async with engine.connect() as db:
        outcomes = await db.scalar(
            text("select count(*) from allocation_outcome where round_id = :r"), {"r": round_id}
        )
        decisions = await db.scalar(
            text(
                "select count(*) from event where event_type in "
                "('ApplicationAwarded', 'ApplicationNotAwarded') and aggregate_id = any(:ids)"
            ),
            {"ids": ids},
        )
    await engine.dispose()
    assert outcomes == decisions == 24
    summary = (await program.api.get(f"/v1/rounds/{round_id}")).json()
    assert summary["awarded_total_yuan"] == sum(
        v["awarded_amount_yuan"] or 0 for v in result.values()
    )


async def test_a_withdrawal_just_before_closing_is_never_allocated(
    program: Program, stack: Stack
) -> None:
    """The withdrawal and the closing travel on different partitions; allocation must
    still see the withdrawal (the closing records how far each application had gone)."""
    round_id = await program.open_round(budget=10_000_000)
    ids = [await program.submit(round_id, next(CODES), CLAIMS["pilot"]) for _ in range(8)]
    for application_id in ids:
        await program.review(application_id)
    await wait_for_status(program.api, ids, {"scored"})
    leaving = ids[::2]
    for application_id in leaving:
        response = await program.withdraw(application_id)
        assert response.status_code == 202
    await program.close(round_id)
    late = await program.withdraw(ids[1])
    assert (late.status_code, late.json()["errors"][0]["rule"]) == (409, "round_closed")

    staying = [i for i in ids if i not in leaving]
    await wait_for_status(program.api, staying, {"awarded"})
    for application_id in leaving:
        assert (await program.status(application_id))["status"] == "withdrawn"
        events = [h["event_type"] for h in await history_of(program, application_id)]
        assert "ApplicationAwarded" not in events
        assert "ApplicationNotAwarded" not in events


async def test_a_second_lead_drafter_of_one_standard_is_held_for_the_reviewer(
    program: Program, tokens: Tokens, infra: Infrastructure, stack_topics: Topics
) -> None:
    """One standard, one lead drafter: the first claim to lead it needs no decision; a
    later one by another enterprise is not found eligible as lead on its word."""
    round_id = await program.open_round(budget=2_000_000)
    standard = with_claim(standard_number="GB/T 39001-2026")
    first = await program.submit(round_id, next(CODES), standard)
    second = await program.submit(round_id, next(CODES), standard)
    # Part 2 of the same series is the same standard (policy 2026.2).
    third = await program.submit(
        round_id, next(CODES), with_claim(standard_number="GB/T 39001.2-2026")
    )
    await program.review(first)
    held = await program.api.post(
        f"/v1/applications/{second}/review",
        json={"decision": "eligible"},
        headers=tokens.headers("reviewer"),
    )
    assert held.status_code == 409
    [problem] = held.json()["errors"]
    assert (problem["field"], problem["rule"]) == ("lead_decision", "lead_disputed")
    assert first in problem["message"]
    await program.review(second, lead_decision="participant")
    # The second was decided a participant: the third's only rival lead is the first.
    await program.review(third, lead_decision="confirmed_lead")
    scored = await wait_for_status(program.api, [first, second, third], {"scored"})
    assert [scored[i]["claimed_amount_yuan"] for i in (first, second, third)] == [
        300_000,
        120_000,
        300_000,
    ]
    history = (await program.api.get(f"/v1/applications/{second}/history")).json()
    [review] = [h for h in history if h["event_type"] == "ApplicationReviewed"]
    assert review["payload"]["lead_decision"] == "participant"
    assert review["payload"]["lead_disputed_by"] == [first]
    await program.close(round_id)
    await wait_for_status(program.api, [first, second, third], {"awarded"})
    # The published list shows the second as what it is paid as.
    listed = await published_list(program.api, round_id, revision=1)
    paid_as = {e["application_id"]: e["achievement"] for e in listed["entries"]}
    assert paid_as[second].endswith("(formulation, participating drafter)")
    assert paid_as[third].endswith("(formulation, lead drafter)")
    verified = audit(infra, stack_topics, "verify", "--round", round_id)
    assert verified.returncode == 0, verified.stdout + verified.stderr
