"""Events of the payments service: a final award paid by the finance bureau in tranches,
and revoked and recovered (追回) when it must be. One stream per final award, keyed by
its application id (docs/finance-contract.md)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, Field

from shared.contracts.base import Contract
from shared.contracts.values import MAX_YUAN, Text, Value, Yuan

PositiveYuan = Annotated[int, Field(ge=1, le=MAX_YUAN)]
InstructionId = Annotated[str, Field(min_length=1, max_length=60)]
Reference = Annotated[str, Field(min_length=1, max_length=200)]
FailureReason = Literal[
    "account_closed",
    "account_not_found",
    "account_frozen",
    "name_mismatch",
    "invalid_account",
    "bank_rejected",
]
RevocationReason = Literal["false_materials", "duplicate_funding", "serious_dishonesty"]


class PayeeAccount(Value):
    """The bank account an award is paid to, as registered and checked for form."""

    credit_code: str = Field(min_length=18, max_length=18)
    account_name: Annotated[str, Field(min_length=1, max_length=200)]
    account_number: str = Field(pattern=r"^[0-9]{9,30}$")
    bank_name: Text
    cnaps_code: str = Field(pattern=r"^[0-9]{12}$")


class AwardEvent(Contract):
    aggregate_type: ClassVar[str] = "award"

    application_id: str

    def aggregate_id(self) -> str:
        return self.application_id


class PaymentInstructed(AwardEvent):
    """qsfund instructed the finance bureau to pay one tranche of a final award."""

    instruction_id: InstructionId
    round_id: str
    tranche: int = Field(ge=1)
    tranches: int = Field(ge=1)
    amount_yuan: PositiveYuan
    final_award_yuan: PositiveYuan
    payee: PayeeAccount
    # The failed instruction this one pays again, to a corrected account; None the first time.
    reissue_of: InstructionId | None = None


class PaymentAccepted(AwardEvent):
    """The finance bureau took the instruction; its outcome comes later."""

    instruction_id: InstructionId
    bureau_reference: Reference


class PaymentSucceeded(AwardEvent):
    """The finance bureau paid the instruction: money moved, with the bank's reference."""

    instruction_id: InstructionId
    amount_yuan: PositiveYuan
    bank_reference: Reference
    paid_at: AwareDatetime


class PaymentFailed(AwardEvent):
    """The finance bureau could not pay the instruction; nothing moved and it is final."""

    instruction_id: InstructionId
    reason: FailureReason
    message: Annotated[str, Field(max_length=500)] = ""
    failed_at: AwareDatetime


class MilestoneReached(AwardEvent):
    """A program officer recorded the milestone a later tranche waits for (an acceptance)."""

    milestone: Annotated[str, Field(min_length=1, max_length=60)]
    document_reference: Reference


class AwardRevoked(AwardEvent):
    """A program officer revoked the final award; what was paid is due back."""

    credit_code: str = Field(min_length=18, max_length=18)
    reason: RevocationReason
    document_reference: Reference
    revoked_at: AwareDatetime
    # What had been paid when it was revoked, and the live instructions to cancel.
    paid_yuan: Yuan
    cancelling: list[InstructionId]


class InstructionCancelled(AwardEvent):
    """The finance bureau confirmed an unpaid instruction of a revoked award cancelled."""

    instruction_id: InstructionId


class RepaymentRecorded(AwardEvent):
    """Money due back on a revoked award was repaid, in part or in full."""

    amount_yuan: PositiveYuan
    reference: Reference
    received_at: AwareDatetime
    still_due_yuan: Yuan


class ClawbackSettled(AwardEvent):
    """Everything paid on a revoked award is back; nothing is due or in flight."""

    repaid_yuan: Yuan


PUBLISHED: tuple[type[Contract], ...] = (
    PaymentInstructed,
    PaymentAccepted,
    PaymentSucceeded,
    PaymentFailed,
    MilestoneReached,
    AwardRevoked,
    InstructionCancelled,
    RepaymentRecorded,
    ClawbackSettled,
)
