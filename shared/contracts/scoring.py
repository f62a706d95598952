"""Events the scoring service emits: scores with their breakdown, and round allocations."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from shared.contracts.base import Contract
from shared.contracts.values import Value, Yuan


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

    def aggregate_id(self) -> str:
        return self.application_id


class ApplicationNotAwarded(Contract):
    """The round's allocation did not fund this application, and why."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    reason_code: Literal["budget_exhausted", "enterprise_cap_reached", "already_rewarded"]
    note: str
    rank: int | None = None
    policy_version: str
    policy_sha256: str
    prior_achievement_reward_yuan: Yuan = 0
    prior_enterprise_year_yuan: Yuan = 0

    def aggregate_id(self) -> str:
        return self.application_id


# Everything the scoring service publishes.
PUBLISHED: tuple[type[Contract], ...] = (
    ApplicationScored,
    ApplicationAwarded,
    ApplicationNotAwarded,
)
