"""The payment instruction's body as the bureau reads it (docs/finance-contract.md,
Direction 1). Written here from the contract, not imported from qsfund's models: the
stand-in is the other side, so a drift in qsfund's body fails the contract tests instead
of being shared silently."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

MAX_ID_LENGTH = 60


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Payee(Strict):
    credit_code: str = Field(min_length=18, max_length=18)
    account_name: str = Field(min_length=1, max_length=200)
    account_number: str = Field(pattern=r"^[0-9]{9,30}$")
    bank_name: str = Field(min_length=1, max_length=500)
    cnaps_code: str = Field(pattern=r"^[0-9]{12}$")


class Award(Strict):
    application_id: str = Field(min_length=1)
    round_id: str = Field(min_length=1)
    final_award_yuan: Annotated[StrictInt, Field(ge=1, le=10**12)]
    tranche: Annotated[StrictInt, Field(ge=1)]
    tranches: Annotated[StrictInt, Field(ge=1)]

    @model_validator(mode="after")
    def _tranche_of_tranches(self) -> Self:
        if self.tranche > self.tranches:
            raise ValueError(f"tranche {self.tranche} of {self.tranches}")
        return self


class InstructionBody(Strict):
    instruction_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    # Whole yuan: a float or a string is refused, never rounded.
    amount_yuan: Annotated[StrictInt, Field(ge=1, le=10**12)]
    currency: Literal["CNY"]
    payee: Payee
    award: Award
    reissue_of: str | None = Field(max_length=MAX_ID_LENGTH)
    purpose: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _within_the_award(self) -> Self:
        if self.amount_yuan > self.award.final_award_yuan:
            raise ValueError("amount_yuan is above the award's final_award_yuan")
        return self
