"""What the bureau keeps of an instruction and the bodies it answers and calls back
with, as docs/finance-contract.md writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .behaviours import MESSAGES, Behaviour

Status = Literal["accepted", "paid", "failed", "cancelled"]


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    # Held back past the caller's read timeout before it is sent (the 9903 account).
    slow: bool = False


@dataclass(frozen=True)
class Callback:
    """One outcome to post to qsfund; its body is the contract's callback body."""

    callback_id: str
    instruction_id: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Received:
    """An instruction as it arrived: its id, the digest of its body, what decides it."""

    instruction_id: str
    digest: str
    amount_yuan: int
    account_number: str


@dataclass
class Kept:
    received: Received
    behaviour: Behaviour
    first_answer: Answer
    status: Status
    bureau_reference: str | None = None
    bank_reference: str | None = None
    paid_at: datetime | None = None
    reason: str | None = None


def failure(reason: str) -> dict[str, Any]:
    return {"status": "failed", "reason": reason, "message": MESSAGES[reason]}


def state_body(kept: Kept) -> dict[str, Any]:
    body: dict[str, Any] = {"instruction_id": kept.received.instruction_id, "status": kept.status}
    if kept.status == "paid":
        assert kept.paid_at is not None
        body |= {
            "amount_yuan": kept.received.amount_yuan,
            "bank_reference": kept.bank_reference,
            "paid_at": utc_text(kept.paid_at),
        }
    elif kept.status == "failed":
        assert kept.reason is not None
        body |= failure(kept.reason)
    if kept.bureau_reference is not None:
        body["bureau_reference"] = kept.bureau_reference
    return body


def utc_text(at: datetime) -> str:
    """A time as the contract writes it: UTC to the second, with a Z."""
    return at.replace(microsecond=0).isoformat().replace("+00:00", "Z")
