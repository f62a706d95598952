"""Pricing and scoring one eligible claim under a policy: deterministic, explained."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, NamedTuple

from shared.contracts.scoring import ScoreComponent
from shared.envelope import canonical_json
from shared.policy import Policy
from shared.rules.achievements import enterprise_achievement, strip_separators


# A NamedTuple: an auditor assesses every score of the history again.
class Assessment(NamedTuple):
    achievement_key: str
    claimed_amount_yuan: int
    score: int
    breakdown: list[ScoreComponent]
    # The breakdown's canonical encoding, as an ApplicationScored record carries it: what
    # an auditor compares with the record's bytes.
    recorded_breakdown_json: bytes


class Priced(NamedTuple):
    amount_yuan: int
    score: int
    parts: tuple[ScoreComponent, ...]
    recorded_json: bytes


class Terms(NamedTuple):
    """All that a claim's amount and score depend on; its identity (which standard, which
    project) decides only its achievement key."""

    category: str
    level: str
    tier: str | None
    role: str | None
    work: str | None
    industry: str


_new = tuple.__new__  # a NamedTuple from a tuple, without its Python-level __new__


def assess(claim: dict[str, Any], credit_code: str, industry: str, policy: Policy) -> Assessment:
    """The claim's amount and score, with a breakdown a reader can check by hand."""
    get = claim.get
    terms = _new(
        Terms, (claim["category"], _level(claim), get("tier"), get("role"), get("work"), industry)
    )
    priced = _priced(terms, policy)
    return Assessment(
        enterprise_achievement(credit_code, claim, policy.achievement_rules),
        priced.amount_yuan,
        priced.score,
        list(priced.parts),
        priced.recorded_json,
    )


# Claims repeat the same few terms by the thousand, and an auditor prices every score of
# the history again: pricing each distinct terms once makes that a lookup.
@lru_cache(maxsize=4096)
def _priced(terms: Terms, policy: Policy) -> Priced:
    parts = tuple(_components(terms, policy))
    return Priced(
        _amount(terms, policy),
        sum(part.points for part in parts),
        parts,
        canonical_json([part.model_dump() for part in parts]),
    )


def _components(terms: Terms, policy: Policy) -> list[ScoreComponent]:
    category, level, industry = terms.category, terms.level, terms.industry
    rubric = policy.rubric
    parts = [
        ScoreComponent(
            name="level",
            points=rubric.level_points[category][level],
            why=f"{category.replace('_', ' ')} at level {level}",
        )
    ]
    if terms.tier == "winner":
        parts.append(ScoreComponent(name="tier", points=rubric.winner_points, why="award winner"))
    if terms.role == "lead":
        parts.append(ScoreComponent(name="role", points=rubric.lead_points, why="lead drafter"))
    if terms.work == "formulation":
        parts.append(
            ScoreComponent(
                name="work", points=rubric.formulation_points, why="new standard (formulation)"
            )
        )
    if strip_separators(industry) in _priority(tuple(policy.priority_industries)):
        parts.append(
            ScoreComponent(
                name="priority_industry",
                points=rubric.priority_industry_points,
                why=f"{industry} is a priority industry",
            )
        )
    return parts


def _level(claim: dict[str, Any]) -> str:
    category = claim["category"]
    if category == "quality_brand":
        return str(claim["award"])
    if category == "standard_adoption":
        return "adoption"
    return str(claim["level"])


def _amount(terms: Terms, policy: Policy) -> int:
    amounts = policy.amounts
    category = terms.category
    if category == "quality_brand":
        tiers = getattr(amounts.quality_brand, terms.level)
        return int(getattr(tiers, str(terms.tier)))
    if category == "standard":
        work = getattr(getattr(amounts.standard, terms.level), str(terms.work))
        return int(getattr(work, str(terms.role)))
    if category == "pilot_project":
        return int(getattr(amounts.pilot_project, terms.level))
    return amounts.standard_adoption


@cache
def _priority(industries: tuple[str, ...]) -> frozenset[str]:
    return frozenset(strip_separators(industry) for industry in industries)
