"""What the finance bureau's answers mean to qsfund: a few outcomes the payments service
acts on, and the bodies they are read from (docs/finance-contract.md, Direction 1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, TypeAdapter, ValidationError

from shared.contracts.payments import FailureReason

Reference = Annotated[str, Field(min_length=1, max_length=200)]


@dataclass(frozen=True)
class Accepted:
    """202, or 200 for a repeat: the bureau holds the instruction; its outcome comes later."""

    bureau_reference: str


@dataclass(frozen=True)
class Refused:
    """422 at the door: a final failure, recorded as PaymentFailed with this reason."""

    reason: FailureReason
    message: str


@dataclass(frozen=True)
class CancelledThere:
    """The bureau holds the instruction cancelled: it will never be paid."""


@dataclass(frozen=True)
class PaidThere:
    """The bureau paid it before the cancellation reached it: money moved."""

    bank_reference: str
    paid_at: datetime


@dataclass(frozen=True)
class FailedThere:
    """The bureau failed it before the cancellation reached it: nothing moved."""

    reason: FailureReason
    message: str


@dataclass(frozen=True)
class NotThere:
    """404 to a status question: the bureau never received the instruction."""


@dataclass(frozen=True)
class TryAgain:
    """No answer that decides anything (5xx, 429, timeout, no connection): retry later
    with the same id and body."""

    detail: str


@dataclass(frozen=True)
class OperatorNeeded:
    """An answer no retry can mend (401, 409 idempotency_conflict, one the contract does
    not have): park the instruction for an operator."""

    detail: str


InstructAnswer = Accepted | Refused | CancelledThere | TryAgain | OperatorNeeded
CancelAnswer = CancelledThere | PaidThere | FailedThere | TryAgain | OperatorNeeded
State = Accepted | PaidThere | FailedThere | CancelledThere
StatusAnswer = State | NotThere | TryAgain | OperatorNeeded


class _AcceptedBody(BaseModel):
    status: Literal["accepted"]
    bureau_reference: Reference


class _PaidBody(BaseModel):
    status: Literal["paid"]
    bank_reference: Reference
    paid_at: AwareDatetime


class _FailedBody(BaseModel):
    status: Literal["failed"]
    # A reason qsfund does not know is not guessed at: the body is refused.
    reason: FailureReason
    message: Annotated[str, Field(max_length=500)] = ""


class _CancelledBody(BaseModel):
    status: Literal["cancelled"]


_STATE = TypeAdapter(
    Annotated[
        _AcceptedBody | _PaidBody | _FailedBody | _CancelledBody, Field(discriminator="status")
    ]
)


def state(body: Any) -> State | None:
    """The bureau's state of an instruction as one of its bodies says it; None when the
    body is not one the contract has (an unknown status or reason included)."""
    try:
        read = _STATE.validate_python(body)
    except ValidationError:
        return None
    match read:
        case _AcceptedBody():
            return Accepted(read.bureau_reference)
        case _PaidBody():
            return PaidThere(read.bank_reference, read.paid_at)
        case _FailedBody():
            return FailedThere(read.reason, read.message)
        case _CancelledBody():
            return CancelledThere()
