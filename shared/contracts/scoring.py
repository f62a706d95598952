"""Events the scoring service emits: scores with their breakdown, and round allocations."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from shared.contracts.base import Contract
from shared.contracts.values import ChainHead, Value, Yuan


class ScoreComponent(Value):
    """One line of a score's breakdown: what counted and how much."""

    name: str
    points: int
    why: str


class ApplicationScored(Contract):
    """An eligible application was scored and its claim priced under the pinned policy."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    enterprise_credit_code: str
    achievement_key: str
    policy_version: str
    policy_sha256: str
    claimed_amount_yuan: Yuan
    score: int
    breakdown: list[ScoreComponent]

    def aggregate_id(self) -> str:
        return self.application_id


class ApplicationAwarded(Contract):
    """The round's allocation funded this application."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    amount_yuan: Annotated[Yuan, Field(ge=1)]
    claimed_amount_yuan: Yuan
    rank: int = Field(ge=1)
    allocation_mode: Literal["rank", "pro_rata"]
    policy_version: str
    policy_sha256: str
    basis: str
    # What earlier rounds had already paid, which this award took into account.
    prior_achievement_reward_yuan: Yuan = 0
    prior_enterprise_year_yuan: Yuan = 0
    # Which allocation of the round decided it: 1, then one more each time an upheld
    # objection found an application ineligible and the round was allocated again.
    allocation: int = Field(default=1, ge=1)

    def aggregate_id(self) -> str:
        return self.application_id


class ApplicationNotAwarded(Contract):
    """The round's allocation did not fund this application, and why."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    # The last two: the district's register at the decision (shared/rules/register.py).
    reason_code: Literal[
        "budget_exhausted",
        "enterprise_cap_reached",
        "already_rewarded",
        "not_registered_in_district",
        "on_dishonesty_list",
    ]
    note: str
    rank: int | None = None
    policy_version: str
    policy_sha256: str
    prior_achievement_reward_yuan: Yuan = 0
    prior_enterprise_year_yuan: Yuan = 0
    allocation: int = Field(default=1, ge=1)

    def aggregate_id(self) -> str:
        return self.application_id


class ProposedAwardWithdrawn(Contract):
    """A proposed award was taken back: the application was found ineligible on a second
    review after an upheld objection, and the round was allocated again without it."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    allocation: int = Field(ge=2)
    withdrawn_yuan: int = Field(ge=0)
    policy_version: str
    policy_sha256: str

    def aggregate_id(self) -> str:
        return self.application_id


class AllocationOutcome(Value):
    """One application's place in an allocation, as the round's summary lists it."""

    application_id: str
    amount_yuan: int = Field(ge=0)
    reason_code: str | None = None


class RoundAllocated(Contract):
    """The round was allocated (again): every outcome, and the head of each application's
    stream of scoring decisions once this allocation's events were written."""

    aggregate_type: ClassVar[str] = "round"

    round_id: str
    allocation: int = Field(ge=1)
    policy_version: str
    policy_sha256: str
    budget_yuan: int = Field(ge=0)
    outcomes: list[AllocationOutcome]
    # Applications whose ineligibility after an upheld objection caused this allocation.
    excluded: list[str] = []
    heads: list[ChainHead]

    def aggregate_id(self) -> str:
        return self.round_id


# Everything the scoring service publishes.
PUBLISHED: tuple[type[Contract], ...] = (
    ApplicationScored,
    ApplicationAwarded,
    ApplicationNotAwarded,
    ProposedAwardWithdrawn,
    RoundAllocated,
)
