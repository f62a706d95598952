"""qsfund's client for the finance bureau's payment system (docs/finance-contract.md,
Direction 1). Every call is signed afresh; every answer becomes one of a few outcomes
the payments service acts on, so no HTTP status leaks past this module."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from shared.clock import Clock
from shared.contracts.payments import PaymentInstructed
from shared.envelope import canonical_json
from shared.signing import signatures

from .finance_answers import (
    Accepted,
    CancelAnswer,
    CancelledThere,
    FailedThere,
    InstructAnswer,
    NotThere,
    OperatorNeeded,
    PaidThere,
    Refused,
    StatusAnswer,
    TryAgain,
    state,
)

# The development pair: the payments service and the stand-in both default to it when no
# secret is configured, so the local stack needs no set-up. Never valid in production.
DEVELOPMENT_TO_BUREAU_SECRET = "development-only-qsfund-to-finance-bureau-secret"
DEVELOPMENT_FROM_BUREAU_SECRET = "development-only-finance-bureau-to-qsfund-secret"
CURRENCY = "CNY"
PATH = "/v1/payment-instructions"


def instruction_body(instruction: PaymentInstructed, purpose: str) -> bytes:
    """The instruction as the contract shows it, in canonical JSON: a retry sends the
    same bytes, so the bureau sees the same body under the same id."""
    payee = instruction.payee
    return canonical_json(
        {
            "instruction_id": instruction.instruction_id,
            "amount_yuan": instruction.amount_yuan,
            "currency": CURRENCY,
            "payee": {
                "credit_code": payee.credit_code,
                "account_name": payee.account_name,
                "account_number": payee.account_number,
                "bank_name": payee.bank_name,
                "cnaps_code": payee.cnaps_code,
            },
            "award": {
                "application_id": instruction.application_id,
                "round_id": instruction.round_id,
                "final_award_yuan": instruction.final_award_yuan,
                "tranche": instruction.tranche,
                "tranches": instruction.tranches,
            },
            "reissue_of": instruction.reissue_of,
            "purpose": purpose,
        }
    )


class FinanceBureau:
    """The bureau at `base_url`, called with qsfund's secrets (newest first)."""

    def __init__(
        self,
        base_url: str,
        secrets: Sequence[str],
        clock: Clock,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not secrets:
            raise ValueError("the finance bureau's client needs at least one secret")
        self.secrets = list(secrets)
        self.clock = clock
        self.client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport,
        )

    async def instruct(self, instruction: PaymentInstructed, purpose: str) -> InstructAnswer:
        """Send (or send again) one instruction: same id, same body, signed now."""
        sent = instruction.instruction_id
        answer = await self._call("POST", PATH, instruction_body(instruction, purpose), sent)
        if not isinstance(answer, httpx.Response):
            return answer
        body = _json(answer)
        said, same_id = state(body), body.get("instruction_id") == sent
        if answer.status_code in (200, 202) and isinstance(said, Accepted) and same_id:
            return said
        if answer.status_code == 409 and body.get("error") == "cancelled":
            return CancelledThere()
        if answer.status_code == 422 and isinstance(said, FailedThere):
            return Refused(said.reason, said.message)
        return _unexpected(answer)

    async def cancel(self, instruction_id: str) -> CancelAnswer:
        """Ask the bureau to cancel an unpaid instruction; it may answer with its outcome."""
        answer = await self._call("POST", f"{PATH}/{instruction_id}/cancel")
        if not isinstance(answer, httpx.Response):
            return answer
        said = state(_json(answer))
        if answer.status_code == 200 and isinstance(said, CancelledThere):
            return said
        if answer.status_code == 409 and isinstance(said, PaidThere | FailedThere):
            return said
        return _unexpected(answer)

    async def status(self, instruction_id: str) -> StatusAnswer:
        """What the bureau holds of an instruction, to reconcile after a long silence."""
        answer = await self._call("GET", f"{PATH}/{instruction_id}")
        if not isinstance(answer, httpx.Response):
            return answer
        if answer.status_code == 404:
            return NotThere()
        body = _json(answer)
        said = state(body)
        if (
            answer.status_code == 200
            and said is not None
            and body.get("instruction_id") == instruction_id
        ):
            return said
        return _unexpected(answer)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _call(
        self, method: str, path: str, body: bytes = b"", idempotency_key: str | None = None
    ) -> httpx.Response | TryAgain | OperatorNeeded:
        timestamp = int(self.clock().timestamp())
        signed = {
            "X-Qsfund-Timestamp": str(timestamp),
            "X-Qsfund-Signature": signatures(self.secrets, timestamp, body),
        }
        if idempotency_key is not None:
            signed |= {"Content-Type": "application/json", "Idempotency-Key": idempotency_key}
        try:
            response = await self.client.request(method, path, content=body, headers=signed)
        except httpx.TimeoutException as error:
            return TryAgain(f"no answer in time: {type(error).__name__}")
        except httpx.TransportError as error:
            return TryAgain(f"could not reach the bureau: {type(error).__name__}: {error}")
        if response.status_code >= 500 or response.status_code == 429:
            return TryAgain(f"the bureau answered {response.status_code}")
        if response.status_code == 401:
            return OperatorNeeded(
                "the bureau refused our signature (401): the secrets or the clock disagree"
            )
        return response


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _unexpected(response: httpx.Response) -> OperatorNeeded:
    excerpt = response.text[:300]
    if response.status_code == 409 and _json(response).get("error") == "idempotency_conflict":
        return OperatorNeeded(f"the bureau holds this id with another body (409): {excerpt}")
    return OperatorNeeded(f"an answer the contract does not have: {response.status_code} {excerpt}")


__all__ = [
    "Accepted",
    "CancelledThere",
    "FailedThere",
    "FinanceBureau",
    "NotThere",
    "OperatorNeeded",
    "PaidThere",
    "Refused",
    "TryAgain",
    "instruction_body",
]
