"""What the payments API takes: the payee's account, a milestone, a revocation, a
repayment. Strict: an unknown field is refused, never ignored."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.payments import RevocationReason
from shared.contracts.values import MAX_YUAN

Reference = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PayeeRequest(Strict):
    """The enterprise's settlement account (对公账户) the award is paid into."""

    account_name: str = Field(max_length=200, examples=["重庆某某科技有限公司"])
    account_number: str = Field(
        max_length=40,
        description="digits; spaces between groups allowed",
        examples=["3100 6672 6018 8001 2345"],
    )
    bank_name: str = Field(max_length=500, examples=["交通银行重庆渝北支行"])
    cnaps_code: str = Field(max_length=12, description="the branch's 12-digit CNAPS code")


class MilestoneRequest(Strict):
    milestone: str = Field(min_length=1, max_length=60, examples=["acceptance"])
    document_reference: Reference


class RevocationRequest(Strict):
    reason: RevocationReason
    document_reference: Reference


class RepaymentRequest(Strict):
    amount_yuan: int = Field(ge=1, le=MAX_YUAN)
    reference: Reference = Field(description="the receipt of the repayment; idempotent by it")
