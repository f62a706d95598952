"""The proposals API refuses a malformed request before it reaches the database, naming
the field and the rule: a confirmation without the signed commitment, a filter or page
size out of range, a role that may not answer a proposal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.support.apps import applications_app
from tests.support.tokens import Tokens

CODE = "91500101MA5U7T1X2P"
CONTACT = {"email": "office@lead.example.cn"}
COMMITMENT = {"name": "commitment.pdf", "size_bytes": 20_480, "sha256": "7" * 64}


@pytest.fixture
async def api(tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=applications_app(tokens))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://api", headers=tokens.applicant(CODE)
    ) as client:
        yield client


def refusal(answer: httpx.Response) -> tuple[int, str, str]:
    [error] = answer.json()["errors"]
    return answer.status_code, error["field"], error["rule"]


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"contact": CONTACT}, "commitment", "missing"),
        (
            {"contact": CONTACT, "commitment": {**COMMITMENT, "sha256": "x"}},
            "commitment.sha256",
            "string_pattern_mismatch",
        ),
        ({"commitment": COMMITMENT}, "contact", "missing"),
        (
            {"contact": CONTACT, "commitment": COMMITMENT, "evidence": [COMMITMENT] * 50},
            "evidence",
            "too_long",
        ),
    ],
)
async def test_a_confirmation_names_what_it_lacks(
    api: httpx.AsyncClient, body: dict[str, Any], field: str, rule: str
) -> None:
    answer = await api.post("/v1/proposals/p1/confirm", json=body)
    assert refusal(answer) == (422, field, rule)


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ({"state": "pending"}, "query.state", "literal_error"),
        ({"limit": "0"}, "query.limit", "greater_than_equal"),
        ({"limit": "501"}, "query.limit", "less_than_equal"),
        ({"credit_code": "short"}, "query.credit_code", "string_too_short"),
    ],
)
async def test_a_listing_names_the_filter_out_of_range(
    api: httpx.AsyncClient, query: dict[str, str], field: str, rule: str
) -> None:
    assert refusal(await api.get("/v1/proposals", params=query)) == (422, field, rule)


async def test_a_reviewer_may_not_answer_a_proposal(api: httpx.AsyncClient, tokens: Tokens) -> None:
    answer = await api.post(
        "/v1/proposals/p1/decline", json={"reason": ""}, headers=tokens.headers("reviewer")
    )
    assert refusal(answer) == (403, "role", "role_not_allowed")
