import pytest
from pydantic import ValidationError

from services.scoring.domain.pricing import assess
from shared.policy import load_policy, policy_version

POLICY = policy_version("2026.1")


@pytest.mark.parametrize(
    ("claim", "amount"),
    [
        (
            {
                "category": "quality_brand",
                "award": "china_quality_award",
                "tier": "winner",
                "year": 2026,
            },
            1_000_000,
        ),
        (
            {
                "category": "quality_brand",
                "award": "mayor_quality_award",
                "tier": "nominee",
                "year": 2026,
            },
            100_000,
        ),
        (
            {
                "category": "standard",
                "level": "national",
                "work": "formulation",
                "role": "lead",
                "standard_number": "GB/T 1-2026",
            },
            300_000,
        ),
        (
            {
                "category": "standard",
                "level": "national",
                "work": "revision",
                "role": "participant",
                "standard_number": "GB/T 1-2026",
            },
            60_000,
        ),
        (
            {"category": "pilot_project", "level": "municipal", "project_name": "Cold chain"},
            300_000,
        ),
        (
            {
                "category": "standard_adoption",
                "international_standard": "ISO 9001",
                "products": "x",
            },
            20_000,
        ),
    ],
)
def test_default_policy_amounts(claim: dict[str, object], amount: int) -> None:
    assert assess(claim, "91110108551385082Q", "retail", POLICY).claimed_amount_yuan == amount


def test_the_score_breakdown_adds_up_and_says_why() -> None:
    claim = {
        "category": "standard",
        "level": "international",
        "work": "formulation",
        "role": "lead",
        "standard_number": "ISO 23412:2026",
    }
    assessment = assess(claim, "91110108551385082Q", "Logistics", POLICY)
    assert (
        assessment.score == sum(part.points for part in assessment.breakdown) == 100 + 20 + 10 + 15
    )
    assert {part.name for part in assessment.breakdown} == {
        "level",
        "role",
        "work",
        "priority_industry",
    }


def test_a_policy_is_identified_by_the_hash_of_its_bytes() -> None:
    assert len(POLICY.sha256) == 64
    assert POLICY.version == "2026.1"


def test_a_policy_with_a_negative_amount_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="standard_adoption"):
        load_policy(b"""
version: bad
allocation_mode: rank
enterprise_cap_yuan: 1
amounts: {quality_brand: {china_quality_award: {winner: 1, nominee: 1},
  mayor_quality_award: {winner: 1, nominee: 1}, district_quality_award: {winner: 1, nominee: 1}},
  standard: {}, pilot_project: {national: 1, municipal: 1}, standard_adoption: -5}
rubric: {level_points: {}, winner_points: 1, lead_points: 1, formulation_points: 1,
  priority_industry_points: 1}
priority_industries: []
""")
