import pytest
from pydantic import ValidationError

from shared.policy import load_policy, policy_version
from shared.rules.claims import ClaimRecord
from shared.rules.pricing import assess

POLICY = policy_version("2026.1")


# The default amounts the domain reference suggests, written out as the office reads them.
EXPECTED = {
    ("quality_brand", "china_quality_award", "winner"): 1_000_000,
    ("quality_brand", "china_quality_award", "nominee"): 500_000,
    ("quality_brand", "mayor_quality_award", "winner"): 300_000,
    ("quality_brand", "mayor_quality_award", "nominee"): 100_000,
    ("quality_brand", "district_quality_award", "winner"): 200_000,
    ("pilot_project", "national"): 500_000,
    ("pilot_project", "municipal"): 300_000,
    ("standard_adoption",): 20_000,
}
LEAD_FORMULATION = {
    "international": 500_000,
    "national": 300_000,
    "industry": 150_000,
    "local": 100_000,
    "group": 50_000,
}
for level, lead in LEAD_FORMULATION.items():
    for work, work_share in (("formulation", 100), ("revision", 50)):
        for role, role_share in (("lead", 100), ("participant", 40)):
            EXPECTED["standard", level, work, role] = lead * work_share * role_share // 10_000


def claim_of(key: tuple[str, ...]) -> ClaimRecord:
    category = key[0]
    if category == "quality_brand":
        return {"category": "quality_brand", "award": key[1], "tier": key[2], "year": 2026}
    if category == "standard":
        return {
            "category": "standard",
            "level": key[1],
            "work": key[2],
            "role": key[3],
            "standard_number": "GB/T 1-2026",
            "title": "Service quality",
            "published_on": "2026-02-10",
        }
    if category == "pilot_project":
        return {
            "category": "pilot_project",
            "level": key[1],
            "project_name": "Cold chain",
            "accepted_on": "2026-03-01",
        }
    return {
        "category": "standard_adoption",
        "international_standard": "ISO 9001",
        "products": "x",
        "adopted_on": "2026-04-01",
    }


@pytest.mark.parametrize(("key", "amount"), sorted(EXPECTED.items()))
def test_default_policy_amounts(key: tuple[str, ...], amount: int) -> None:
    assessed = assess(claim_of(key), "91110108551385082Q", "retail", POLICY)
    assert assessed.claimed_amount_yuan == amount


def test_the_score_breakdown_adds_up_and_says_why() -> None:
    claim: ClaimRecord = {
        "category": "standard",
        "level": "international",
        "work": "formulation",
        "role": "lead",
        "standard_number": "ISO 23412:2026",
        "title": "Smart logistics",
        "published_on": "2026-02-10",
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


def test_a_winner_scores_the_tier_a_nominee_does_not_and_each_line_says_why() -> None:
    rubric = POLICY.rubric
    winner = assess(
        claim_of(("quality_brand", "mayor_quality_award", "winner")), "x", "retail", POLICY
    )
    nominee = assess(
        claim_of(("quality_brand", "mayor_quality_award", "nominee")), "x", "retail", POLICY
    )
    level = rubric.level_points["quality_brand"]["mayor_quality_award"]
    assert [(p.name, p.points, p.why) for p in winner.breakdown] == [
        ("level", level, "quality brand at level mayor_quality_award"),
        ("tier", rubric.winner_points, "award winner"),
    ]
    assert [(p.name, p.points) for p in nominee.breakdown] == [("level", level)]
    assert winner.score - nominee.score == rubric.winner_points > 0


def test_a_lead_drafter_of_a_new_standard_is_told_both_lines() -> None:
    lead = assess(claim_of(("standard", "national", "formulation", "lead")), "x", "retail", POLICY)
    assert [(p.name, p.why) for p in lead.breakdown] == [
        ("level", "standard at level national"),
        ("role", "lead drafter"),
        ("work", "new standard (formulation)"),
    ]
