"""The finance bureau's outcome callback (docs/finance-contract.md, Direction 2): its
signature checked, its body read into a paid or failed outcome, or refused naming the
field and the rule. What the outcome does to the award is the ledger's (outcomes.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    TypeAdapter,
    ValidationError,
)

from shared.contracts.payments import FailureReason, InstructionId, Reference
from shared.contracts.values import MAX_YUAN
from shared.rules.payments.errors import InvalidInput, PaymentError
from shared.signing import signature_problem

TIMESTAMP_HEADER = "X-Finance-Timestamp"
SIGNATURE_HEADER = "X-Finance-Signature"


class NotSigned(PaymentError):
    """The callback's signature or timestamp is not to be trusted (HTTP 401)."""


class _Callback(BaseModel):
    # Exactly the contract's fields: a field we do not know may carry a meaning we would
    # silently miss (a partial payment), so it is refused and noticed, like a new reason.
    model_config = ConfigDict(extra="forbid", frozen=True)

    callback_id: Annotated[str, Field(min_length=1, max_length=100)]
    instruction_id: InstructionId
    at: AwareDatetime


class PaidCallback(_Callback):
    """The bureau paid the instruction: this amount, under this bank reference."""

    status: Literal["paid"]
    # Whole yuan: 1.5 or "150000" is refused, never rounded or converted.
    amount_yuan: Annotated[StrictInt, Field(ge=1, le=MAX_YUAN)]
    bank_reference: Reference


class FailedCallback(_Callback):
    """The bureau could not pay the instruction, for a reason qsfund knows."""

    status: Literal["failed"]
    reason: FailureReason
    message: Annotated[str, Field(max_length=500)] = ""


Callback = Annotated[PaidCallback | FailedCallback, Field(discriminator="status")]


_CALLBACK: TypeAdapter[PaidCallback | FailedCallback] = TypeAdapter(Callback)


def read_callback(
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    secrets: Sequence[str],
    now: datetime,
) -> PaidCallback | FailedCallback:
    """The callback, once its signature (under the bureau's secrets) and its body are
    found good; otherwise NotSigned (401) or InvalidInput (422) naming field and rule."""
    problem = signature_problem(signature, timestamp, body, secrets, now)
    if problem is not None:
        raise NotSigned(SIGNATURE_HEADER, "signature", problem)
    try:
        return _CALLBACK.validate_json(body)
    except ValidationError as error:
        raise _invalid(error) from None


def _invalid(error: ValidationError) -> InvalidInput:
    first = error.errors()[0]
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return InvalidInput("status", "paid_or_failed", "status is either paid or failed")
    # The location starts with the status that chose the model: the field comes after it.
    field = ".".join(str(part) for part in first["loc"][1:]) or "body"
    if field == "reason" and first["type"] == "literal_error":
        return InvalidInput("reason", "known_reason", f"not a reason qsfund knows: {first['msg']}")
    return InvalidInput(field, first["type"], first["msg"])
