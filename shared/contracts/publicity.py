"""Events of a round's publicity (公示), objections (异议) and final decision, which the
applications service emits after the scoring service has allocated the round."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, Field

from shared.contracts.base import Contract
from shared.contracts.values import Category, ChainHead, Digest, Evidence, Text, Value

Yuan = Annotated[int, Field(ge=0, le=10**12)]
DayKind = Literal["working", "calendar"]


class PublishedEntry(Value):
    """One line of the published list: public by nature, never contact data or evidence."""

    application_id: str
    enterprise_name: str
    credit_code: str
    category: Category
    achievement: str
    level: str
    proposed_amount_yuan: Yuan


class PublishedList(Contract):
    """What every publication of the list carries; its digest seals the history behind it."""

    aggregate_type: ClassVar[str] = "round"

    round_id: str
    revision: int = Field(ge=1)
    # The scoring service's allocation the list shows (1, then one more per re-allocation).
    allocation: int = Field(ge=1)
    entries: list[PublishedEntry]
    total_yuan: Yuan
    # The head of every stream of the round's decision history as it stood when the list
    # was published, and the SHA-256 over them (shared/publicity_digest.py).
    heads: list[ChainHead]
    digest: Digest

    def aggregate_id(self) -> str:
        return self.round_id


class PublicityOpened(PublishedList):
    """The round's proposed awards were published; objections are taken until `ends_at`."""

    published_at: AwareDatetime
    ends_at: AwareDatetime
    last_day: date
    days: int = Field(ge=1, le=30)
    day_kind: DayKind


class PublishedListRevised(PublishedList):
    """The list changed after a re-allocation; the publicity period does not move."""


class Objector(Value):
    """Who objects: an organisation by its credit code and an authorised person, or a
    person by real name. Confidential: never shown to the applicant or in the list."""

    kind: Literal["organisation", "person"]
    name: Text
    credit_code: str | None = Field(default=None, min_length=18, max_length=18)
    authorised_person: Text | None = None
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    phone: Annotated[str, Field(max_length=40)] | None = None


class ObjectionLodged(Contract):
    """Someone objected in writing to a proposed award during its publicity period."""

    aggregate_type: ClassVar[str] = "application"

    objection_id: str
    application_id: str
    round_id: str
    objector: Objector
    grounds: Annotated[str, Field(min_length=1, max_length=5000)]
    evidence: list[Evidence] = []

    def aggregate_id(self) -> str:
        return self.application_id


class ObjectionDecided(Contract):
    """A reviewer dismissed or upheld an objection; upheld sends the application back to
    review."""

    aggregate_type: ClassVar[str] = "application"

    objection_id: str
    application_id: str
    round_id: str
    decision: Literal["dismissed", "upheld"]
    reasons: Annotated[str, Field(min_length=1, max_length=5000)]

    def aggregate_id(self) -> str:
        return self.application_id


class FinalAward(Value):
    application_id: str
    credit_code: str
    amount_yuan: Yuan


class RoundFinalised(Contract):
    """The program office made the round's awards final: the period had ended and no
    objection was open."""

    aggregate_type: ClassVar[str] = "round"

    round_id: str
    list_revision: int = Field(ge=1)
    awards: list[FinalAward]
    total_yuan: Yuan

    def aggregate_id(self) -> str:
        return self.round_id


class AwardFinalised(Contract):
    """This application's award is final: what the finance bureau may pay."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    amount_yuan: Annotated[int, Field(ge=1, le=10**12)]

    def aggregate_id(self) -> str:
        return self.application_id


PUBLISHED: tuple[type[Contract], ...] = (
    PublicityOpened,
    PublishedListRevised,
    ObjectionLodged,
    ObjectionDecided,
    RoundFinalised,
    AwardFinalised,
)
