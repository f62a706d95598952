"""Pricing and scoring one eligible claim under a policy: deterministic, explained."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from shared.contracts.scoring import ScoreComponent
from shared.policy import Policy


@dataclass(frozen=True)
class Assessment:
    achievement_key: str
    claimed_amount_yuan: int
    score: int
    breakdown: list[ScoreComponent]


def assess(claim: dict[str, Any], credit_code: str, industry: str, policy: Policy) -> Assessment:
    """The claim's amount and score, with a breakdown a reader can check by hand."""
    category = claim["category"]
    level = _level(claim)
    rubric = policy.rubric
    parts = [
        ScoreComponent(
            name="level",
            points=rubric.level_points[category][level],
            why=f"{category.replace('_', ' ')} at level {level}",
        )
    ]
    if claim.get("tier") == "winner":
        parts.append(ScoreComponent(name="tier", points=rubric.winner_points, why="award winner"))
    if claim.get("role") == "lead":
        parts.append(ScoreComponent(name="role", points=rubric.lead_points, why="lead drafter"))
    if claim.get("work") == "formulation":
        parts.append(
            ScoreComponent(
                name="work", points=rubric.formulation_points, why="new standard (formulation)"
            )
        )
    if _normalise(industry) in _priority(tuple(policy.priority_industries)):
        parts.append(
            ScoreComponent(
                name="priority_industry",
                points=rubric.priority_industry_points,
                why=f"{industry} is a priority industry",
            )
        )
    return Assessment(
        achievement_key=f"{credit_code}/{achievement_key(claim)}",
        claimed_amount_yuan=_amount(claim, policy),
        score=sum(part.points for part in parts),
        breakdown=parts,
    )


def achievement_key(claim: dict[str, Any]) -> str:
    """What counts as one achievement of an enterprise, at whatever level it is claimed."""
    category = claim["category"]
    if category == "standard":
        return f"standard:{_normalise(claim['standard_number'])}"
    if category == "quality_brand":
        return f"quality_brand:{claim['award']}:{claim['year']}"
    if category == "pilot_project":
        return f"pilot_project:{_normalise(claim['project_name'])}"
    standard, products = _normalise(claim["international_standard"]), _normalise(claim["products"])
    return f"standard_adoption:{standard}:{products}"


def _level(claim: dict[str, Any]) -> str:
    category = claim["category"]
    if category == "quality_brand":
        return str(claim["award"])
    if category == "standard_adoption":
        return "adoption"
    return str(claim["level"])


def _amount(claim: dict[str, Any], policy: Policy) -> int:
    amounts = policy.amounts
    category = claim["category"]
    if category == "quality_brand":
        tiers = getattr(amounts.quality_brand, claim["award"])
        return int(getattr(tiers, claim["tier"]))
    if category == "standard":
        work = getattr(getattr(amounts.standard, claim["level"]), claim["work"])
        return int(getattr(work, claim["role"]))
    if category == "pilot_project":
        return int(getattr(amounts.pilot_project, claim["level"]))
    return amounts.standard_adoption


@cache
def _priority(industries: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_normalise(industry) for industry in industries)


def _normalise(text: str) -> str:
    return re.sub(r"[\s\-_/.]+", "", text).casefold()
