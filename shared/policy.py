"""The reward policy: a versioned YAML document, validated when loaded, identified by
its version and the SHA-256 of its exact bytes."""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.contracts.values import Category
from shared.rules.industries import industry_code_problem

SECTION = re.compile(r"^[A-T]$")

Yuan = Field(ge=0)
# The rule sets that say what one achievement is (services/scoring/domain/achievements.py).
AchievementRules = Literal["2026.1", "2026.2"]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tiers(Strict):
    winner: int = Yuan
    nominee: int = Yuan


class Roles(Strict):
    lead: int = Yuan
    participant: int = Yuan


class StandardWork(Strict):
    formulation: Roles
    revision: Roles


class QualityBrandAmounts(Strict):
    china_quality_award: Tiers
    mayor_quality_award: Tiers
    district_quality_award: Tiers


class StandardAmounts(Strict):
    international: StandardWork
    national: StandardWork
    industry: StandardWork
    local: StandardWork
    group: StandardWork


class PilotAmounts(Strict):
    national: int = Yuan
    municipal: int = Yuan


class Amounts(Strict):
    quality_brand: QualityBrandAmounts
    standard: StandardAmounts
    pilot_project: PilotAmounts
    standard_adoption: int = Yuan


class Rubric(Strict):
    level_points: dict[str, dict[str, int]]
    winner_points: int
    lead_points: int
    formulation_points: int
    priority_industry_points: int


class PublicityDefaults(Strict):
    """How long proposed awards are published for objections when a round does not say."""

    days: int = Field(default=5, ge=1, le=30)
    day_kind: Literal["working", "calendar"] = "working"


class Tranche(Strict):
    """A share of an award, paid when the award is final or when a named milestone (an
    acceptance, a progress review under the funding agreement) is recorded."""

    share_percent: int = Field(ge=1, le=100)
    on: Literal["final_award", "milestone"] = "final_award"
    milestone: str | None = Field(default=None, min_length=1, max_length=60)

    @model_validator(mode="after")
    def _milestone_named_when_waited_for(self) -> Tranche:
        if (self.on == "milestone") != (self.milestone is not None):
            raise ValueError("a tranche paid on a milestone names it, and only such a tranche")
        return self


class PaymentTerms(Strict):
    """How awards are paid, by category; a category not listed is paid in one tranche
    when its award is final."""

    tranches: dict[Category, list[Tranche]] = {}

    @field_validator("tranches")
    @classmethod
    def _shares_make_the_whole(cls, value: dict[str, list[Tranche]]) -> dict[str, list[Tranche]]:
        for category, tranches in value.items():
            total = sum(t.share_percent for t in tranches)
            if total != 100:
                raise ValueError(f"{category}: tranche shares add up to {total}%, not 100%")
        return value


class PriorityIndustry(Strict):
    """A priority industry named by codes of GB/T 4754-2017: a section ("J"), division
    ("G59"), group ("M745") or class ("F5292") matches every code under it."""

    name: str = Field(min_length=1, max_length=100)
    codes: list[str] = Field(min_length=1)

    @field_validator("codes")
    @classmethod
    def _codes_of_the_classification(cls, value: list[str]) -> list[str]:
        for code in value:
            if SECTION.match(code):
                continue
            problem = industry_code_problem(code)
            if problem is not None:
                raise ValueError(f"{code}: {problem[1]}")
        return value


class Policy(Strict):
    version: str
    allocation_mode: Literal["rank", "pro_rata"]
    # A document without the field is read under the first rules, so 2026.1's bytes, and
    # the SHA-256 every decision under it recorded, stay as they were.
    achievement_rules: AchievementRules = "2026.1"
    enterprise_cap_yuan: int = Field(gt=0)
    amounts: Amounts
    rubric: Rubric
    # The priority industries by name, matched against a filing's industry as typed
    # (2026.1 to 2026.3: auditors replay them so); or, from 2026.4, by code, matched
    # against the filing's industry code (the register's): a policy names them one way.
    priority_industries: list[str] = []
    priority_industry_codes: list[PriorityIndustry] = []
    publicity: PublicityDefaults = PublicityDefaults()
    # Optional so that 2026.1 and 2026.2, written before payment, keep their bytes.
    payment: PaymentTerms = PaymentTerms()
    sha256: str = ""

    @model_validator(mode="after")
    def _priorities_one_way(self) -> Policy:
        if self.priority_industries and self.priority_industry_codes:
            raise ValueError(
                "name the priority industries by text (priority_industries) or by code "
                "(priority_industry_codes), not both"
            )
        return self

    @property
    def ranks_by_industry_code(self) -> bool:
        """Whether a filing's industry code, not its text, earns the priority points."""
        return bool(self.priority_industry_codes)

    @property
    def priority_names(self) -> list[str]:
        """The priority industries' names, however the policy matches them."""
        return [p.name for p in self.priority_industry_codes] or list(self.priority_industries)

    # Its lists and dicts are not hashable, and what is priced under a policy is cached
    # by it: equal policies have equal digests.
    def __hash__(self) -> int:
        return hash((self.version, self.sha256))


def load_policy(document: bytes) -> Policy:
    """Parse and validate a policy document; raises pydantic.ValidationError naming the
    field that is wrong."""
    data = yaml.safe_load(document)
    policy = Policy.model_validate(data)
    return policy.model_copy(update={"sha256": hashlib.sha256(document).hexdigest()})


class UnknownPolicy(LookupError):
    """No policy document of that version is shipped or installed."""


def _documents() -> dict[str, Traversable]:
    """Policy documents by version: those shipped with the code, and those the office
    installed in QSFUND_POLICY_DIR (every service of a deployment must see the same)."""
    places: list[Traversable] = [files("shared") / "policies"]
    if extra := os.environ.get("QSFUND_POLICY_DIR"):
        places.append(Path(extra))
    return {
        document.name.removesuffix(".yaml"): document
        for place in places
        if place.is_dir()
        for document in place.iterdir()
        if document.name.endswith(".yaml")
    }


@cache
def policy_version(version: str) -> Policy:
    """The policy document of `version`, loaded and hashed once."""
    document = _documents().get(version)
    if document is None:
        raise UnknownPolicy(f"no reward policy version {version!r}")
    policy = load_policy(document.read_bytes())
    if policy.version != version:
        raise UnknownPolicy(f"{document.name} declares version {policy.version!r}")
    return policy


# Cached like policy_version: the folders are listed once per process, at first use, so
# QSFUND_POLICY_DIR works for a process that sets it before then (a service reads it from
# its environment at start); a version installed later is the latest after a restart.
@cache
def latest_policy_version() -> str:
    """The newest numbered version (2026.10 after 2026.9)."""
    numbered = [v for v in _documents() if v.replace(".", "").isdigit()]
    return max(numbered, key=lambda v: tuple(int(part) for part in v.split(".")))
