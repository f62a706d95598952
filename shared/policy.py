"""The reward policy: a versioned YAML document, validated when loaded, identified by
its version and the SHA-256 of its exact bytes."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

Yuan = Field(ge=0)


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


class Policy(Strict):
    version: str
    allocation_mode: Literal["rank", "pro_rata"]
    enterprise_cap_yuan: int = Field(gt=0)
    amounts: Amounts
    rubric: Rubric
    priority_industries: list[str]
    sha256: str = ""


def load_policy(document: bytes) -> Policy:
    """Parse and validate a policy document; raises pydantic.ValidationError naming the
    field that is wrong."""
    data = yaml.safe_load(document)
    policy = Policy.model_validate(data)
    return policy.model_copy(update={"sha256": hashlib.sha256(document).hexdigest()})


class UnknownPolicy(LookupError):
    """No policy document of that version ships with this code."""


@cache
def policy_version(version: str) -> Policy:
    """The shipped policy document of `version`, loaded and hashed once."""
    resource = files("shared") / "policies" / f"{version}.yaml"
    if not resource.is_file():
        raise UnknownPolicy(f"no reward policy version {version!r}")
    return load_policy(resource.read_bytes())
