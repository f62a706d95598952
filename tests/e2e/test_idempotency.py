"""A municipal platform's retries over the real stack: a repeated Idempotency-Key gets the
first answer and causes nothing new, a reused one is refused, and oversized bodies are
refused before anything parses them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.support.credit_codes import credit_codes
from tests.support.program import CLAIMS, Program, application
from tests.support.tokens import Tokens

CODES = iter(credit_codes(seed=11))


@pytest.fixture
async def program(stack: Stack, tokens: Tokens) -> AsyncIterator[Program]:
    url, reader = stack.applications.url, tokens.headers("auditor")
    async with httpx.AsyncClient(base_url=url, headers=reader, timeout=10) as api:
        yield Program(api, tokens)


async def file(program: Program, body: dict[str, Any], key: str) -> httpx.Response:
    headers = {**program.tokens.headers("platform"), "Idempotency-Key": key}
    return await program.api.post("/v1/applications", json=body, headers=headers)


async def applications_in(program: Program, round_id: str) -> int:
    view = (await program.api.get(f"/v1/rounds/{round_id}")).json()
    return sum(view["applications_by_status"].values())


async def events_of(program: Program, application_id: str, event_type: str) -> int:
    history = (await program.api.get(f"/v1/applications/{application_id}/history")).json()
    return sum(1 for entry in history if entry["event_type"] == event_type)


async def test_a_retried_submission_gets_its_first_answer_and_files_once(
    program: Program,
) -> None:
    round_id = await program.open_round(budget=1_000_000)
    body = application(round_id, next(CODES), CLAIMS["national_standard"])
    first, again = await file(program, body, "filing-1"), await file(program, body, "filing-1")
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert first.json() == again.json()
    assert await applications_in(program, round_id) == 1
    assert await events_of(program, first.json()["id"], "ApplicationSubmitted") == 1

    other = await file(program, {**body, "contact": {"email": "b@x.example.cn"}}, "filing-1")
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["errors"][0]["rule"] == "idempotency_key_reused"
    assert await applications_in(program, round_id) == 1


async def test_two_concurrent_requests_with_one_key_file_one_application(
    program: Program,
) -> None:
    round_id = await program.open_round(budget=1_000_000)
    body = application(round_id, next(CODES), CLAIMS["quality_award"])
    answers = await asyncio.gather(*(file(program, body, "race") for _ in range(2)))
    # The second waits on the key's row for the first to commit, then answers as it did.
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert await applications_in(program, round_id) == 1


async def test_a_retried_review_is_recorded_once(program: Program) -> None:
    round_id = await program.open_round(budget=1_000_000)
    application_id = await program.submit(round_id, next(CODES), CLAIMS["pilot"])
    headers = {**program.tokens.headers("reviewer"), "Idempotency-Key": "review-1"}
    url = f"/v1/applications/{application_id}/review"
    answers = [
        await program.api.post(url, json={"decision": "eligible"}, headers=headers)
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [202, 202], answers[1].text
    assert await events_of(program, application_id, "ApplicationReviewed") == 1


async def test_a_body_over_the_limit_is_refused_before_parsing(program: Program) -> None:
    headers = program.tokens.headers("platform")
    huge = b'{"round_id": "' + b"x" * (300 * 1024) + b'"}'
    declared = await program.api.post(
        "/v1/applications", content=huge, headers={**headers, "Content-Type": "application/json"}
    )

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(huge), 16 * 1024):
            yield huge[start : start + 16 * 1024]

    streamed = await program.api.post(
        "/v1/applications",
        content=chunks(),
        headers={**headers, "Content-Type": "application/json"},
    )
    for answer in (declared, streamed):
        assert answer.status_code == 413, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["rule"] == "body_too_large"
