"""qsfund's client for the finance bureau, against answers the stand-in never gives (a
bureau that is down, overloaded or off-contract), served by a fake HTTP transport."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.payments.adapters.finance import (
    Accepted,
    FinanceBureau,
    OperatorNeeded,
    Refused,
    TryAgain,
    instruction_body,
)
from shared.signing import signature_problem
from tests.support.finance import instruction
from tests.support.processes import free_port

NOW = datetime(2027, 1, 6, 2, 15, tzinfo=UTC)
SECRET = "qsfund-to-bureau-test-secret-0123456789"
INSTRUCTION = instruction(application_id="6f1c2d9e")


async def answer_with(status: int, body: Any) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.Response(status, content=content)

    bureau = FinanceBureau(
        "http://bureau.test", [SECRET], lambda: NOW, transport=httpx.MockTransport(answer)
    )
    try:
        return await bureau.instruct(INSTRUCTION, "质量品牌和标准化奖励资金 2026 第1期"), seen
    finally:
        await bureau.aclose()


def test_the_body_is_the_contracts_in_canonical_json() -> None:
    body = json.loads(instruction_body(INSTRUCTION, "奖励资金"))
    assert body == {
        "instruction_id": "6f1c2d9e-t1-a1",
        "amount_yuan": 150_000,
        "currency": "CNY",
        "payee": INSTRUCTION.payee.model_dump(),
        "award": {
            "application_id": "6f1c2d9e",
            "round_id": "round-2026",
            "final_award_yuan": 300_000,
            "tranche": 1,
            "tranches": 2,
        },
        "reissue_of": None,
        "purpose": "奖励资金",
    }
    assert instruction_body(INSTRUCTION, "奖励资金") == instruction_body(INSTRUCTION, "奖励资金")


async def test_the_call_is_signed_over_the_exact_bytes_and_keyed_by_the_instruction() -> None:
    outcome, (request,) = await answer_with(
        202,
        {"instruction_id": "6f1c2d9e-t1-a1", "status": "accepted", "bureau_reference": "CZ1"},
    )
    assert outcome == Accepted("CZ1")
    assert request.headers["Idempotency-Key"] == "6f1c2d9e-t1-a1"
    assert request.content == instruction_body(INSTRUCTION, "质量品牌和标准化奖励资金 2026 第1期")
    problem = signature_problem(
        request.headers["X-Qsfund-Signature"],
        request.headers["X-Qsfund-Timestamp"],
        request.content,
        [SECRET],
        NOW,
    )
    assert problem is None


@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_a_bureau_that_is_down_or_busy_is_tried_again(status: int) -> None:
    outcome, _ = await answer_with(status, b"<html>maintenance</html>")
    assert isinstance(outcome, TryAgain)


async def test_a_bureau_that_cannot_be_reached_is_tried_again() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens: connection refused
    bureau = FinanceBureau(nobody, [SECRET], lambda: NOW, connect_timeout=1)
    outcome = await bureau.instruct(INSTRUCTION, "p")
    await bureau.aclose()
    assert isinstance(outcome, TryAgain)
    assert "could not reach" in outcome.detail


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, {"error": "signature"}),
        (409, {"error": "idempotency_conflict"}),
        (400, {"error": "invalid_request", "field": "amount_yuan"}),
        (422, {"status": "failed", "reason": "account_suspended", "message": "?"}),
        (202, {"instruction_id": "another-t1-a1", "status": "accepted", "bureau_reference": "X"}),
        (202, b"accepted"),
        (302, b""),
    ],
)
async def test_an_answer_no_retry_can_mend_goes_to_an_operator(status: int, body: Any) -> None:
    outcome, _ = await answer_with(status, body)
    assert isinstance(outcome, OperatorNeeded)
    assert str(status) in outcome.detail


async def test_a_refusal_at_the_door_is_a_final_failure_with_its_reason() -> None:
    outcome, _ = await answer_with(
        422, {"status": "failed", "reason": "invalid_account", "message": "账号不存在"}
    )
    assert outcome == Refused("invalid_account", "账号不存在")
