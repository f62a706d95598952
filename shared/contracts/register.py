"""Events of the register service: the district's enterprise register as the municipal
platform loads it. A load is one stream (aggregate type `register-load`, keyed by the
platform's load id): its acceptance with the counts and every refused row, then its
accepted rows in batches, so a load of 100,000 rows is about a hundred events."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from shared.contracts.base import Contract
from shared.contracts.values import IndustryCode, Text, Value

# The most enterprises one EnterprisesRegistered carries: a batch of a few hundred
# kilobytes, well under the largest event the topics take.
BATCH_SIZE = 1000
LoadId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
Reference = Annotated[str, Field(min_length=1, max_length=200)]


class DishonestyEntry(Value):
    """One listing on the serious-dishonesty list (严重失信主体名单): listed on a day,
    removed (no longer listed from that day) or still listed, and the listing's document."""

    listed_on: date
    removed_on: date | None = None
    reference: Reference


class RegisteredEnterprise(Value):
    """An enterprise as the register holds it: the whole record, which replaces any
    earlier one of the same credit code."""

    credit_code: str = Field(min_length=18, max_length=18)
    name: Text
    former_names: list[Text] = Field(default_factory=list, max_length=20)
    industry_code: IndustryCode
    registered_on: date
    deregistered_on: date | None = None
    dishonesty: list[DishonestyEntry] = Field(default_factory=list, max_length=50)


class RowProblem(Value):
    """Why one row of a load was refused: its number (the first data row is 1), the field
    and the rule it breaks."""

    row: int = Field(ge=1)
    field: str
    rule: str
    message: str


class LoadEvent(Contract):
    aggregate_type: ClassVar[str] = "register-load"

    load_id: LoadId

    def aggregate_id(self) -> str:
        return self.load_id


class RegisterLoadAccepted(LoadEvent):
    """A platform's load of the register was taken: what it held, what went in, and the
    problems of every refused row (the first 10,000 listed; the rest counted)."""

    loaded_by: str
    # The SHA-256 of the load's body as received: the same load id again with other rows
    # is refused, not mistaken for a retry.
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: int = Field(ge=0)
    accepted: int = Field(ge=0)
    rejected: int = Field(ge=0)
    batches: int = Field(ge=0)
    problems: list[RowProblem]
    problems_not_listed: int = Field(default=0, ge=0)


class EnterprisesRegistered(LoadEvent):
    """One batch of a load's accepted rows: each enterprise's record now, by credit code."""

    batch: int = Field(ge=1)
    enterprises: list[RegisteredEnterprise] = Field(min_length=1, max_length=BATCH_SIZE)


PUBLISHED: tuple[type[Contract], ...] = (RegisterLoadAccepted, EnterprisesRegistered)
