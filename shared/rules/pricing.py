"""Pricing and scoring one eligible claim under a policy: deterministic, explained."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

from shared.contracts.scoring import ScoreComponent
from shared.policy import Policy
from shared.rules.achievements import enterprise_achievement, strip_separators
from shared.rules.claims import ClaimRecord


class Assessment(NamedTuple):
    achievement_key: str
    claimed_amount_yuan: int
    score: int
    breakdown: tuple[ScoreComponent, ...]


class Priced(NamedTuple):
    amount_yuan: int
    score: int
    parts: tuple[ScoreComponent, ...]


class Terms(NamedTuple):
    """All that a claim's amount and score depend on; its identity (which standard, which
    project) decides only its achievement key."""

    category: str
    level: str
    tier: str | None
    role: str | None
    work: str | None
    industry: str
    industry_code: str | None = None


def assess(
    claim: ClaimRecord,
    credit_code: str,
    industry: str,
    policy: Policy,
    industry_code: str | None = None,
) -> Assessment:
    """The claim's amount and score, with a breakdown a reader can check by hand. The
    priority industry points go by `industry` (as typed) under a policy that names its
    priorities in words, by `industry_code` under one that names them by code."""
    priced = _priced(_terms(claim, industry)._replace(industry_code=industry_code), policy)
    return Assessment(
        enterprise_achievement(credit_code, claim, policy.achievement_rules),
        priced.amount_yuan,
        priced.score,
        priced.parts,
    )


def _terms(claim: ClaimRecord, industry: str) -> Terms:
    if claim["category"] == "quality_brand":
        return Terms("quality_brand", claim["award"], claim["tier"], None, None, industry)
    if claim["category"] == "standard":
        return Terms("standard", claim["level"], None, claim["role"], claim["work"], industry)
    if claim["category"] == "pilot_project":
        return Terms("pilot_project", claim["level"], None, None, None, industry)
    return Terms("standard_adoption", "adoption", None, None, None, industry)


# Claims repeat the same few terms by the thousand (and an auditor prices every score of
# the history again): each distinct terms is priced once, then looked up.
@lru_cache(maxsize=4096)
def _priced(terms: Terms, policy: Policy) -> Priced:
    parts = tuple(_components(terms, policy))
    return Priced(_amount(terms, policy), sum(part.points for part in parts), parts)


def _components(terms: Terms, policy: Policy) -> list[ScoreComponent]:
    category, level = terms.category, terms.level
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
    why = _priority_industry(terms, policy)
    if why is not None:
        parts.append(
            ScoreComponent(
                name="priority_industry", points=rubric.priority_industry_points, why=why
            )
        )
    return parts


def _priority_industry(terms: Terms, policy: Policy) -> str | None:
    """Why the filing's industry is a priority of the policy; None if it is not."""
    found = priority_of(policy, terms.industry, terms.industry_code)
    return found[1] if found is not None else None


def priority_of(policy: Policy, industry: str, industry_code: str | None) -> tuple[str, str] | None:
    """The policy's priority industry the filing's industry is, and why, as scoring
    gives its points (and the office's report counts them): by the words typed under a
    policy of words; under a policy of codes, the first priority whose codes (a section,
    division, group or class) the filing's code falls under. None if none."""
    if not policy.ranks_by_industry_code:
        wanted = strip_separators(industry)
        for name in policy.priority_industries:
            if _normalised(name) == wanted:
                return name, f"{industry} is a priority industry"
        return None
    if not isinstance(industry_code, str):  # none filed (or, in a tampered log, no string)
        return None
    for priority in policy.priority_industry_codes:
        for prefix in priority.codes:
            if industry_code.startswith(prefix):
                why = f"{industry_code} falls under {prefix}: {priority.name}, a priority industry"
                return priority.name, why
    return None


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
def _normalised(industry: str) -> str:
    return strip_separators(industry)
