"""The status every reader sees, and what the published list says of each claim: the
rules the applications service projects and the auditor reproduces from the log."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.rules.listing import describe
from shared.rules.status import StatusParts, award_stage, derive_status, list_stage


@pytest.mark.parametrize(
    ("review", "scored", "outcome", "final", "status"),
    [
        ("submitted", False, None, False, "submitted"),
        ("returned", False, None, False, "returned"),
        ("eligible", False, None, False, "eligible"),
        ("eligible", True, None, False, "scored"),
        ("submitted", True, None, False, "submitted"),  # a score before an amendment's review
        ("eligible", True, "awarded", False, "awarded"),
        ("eligible", True, "not_awarded", False, "not_awarded"),
        ("eligible", True, "withdrawn", False, "scored"),  # a proposed award withdrawn
        ("eligible", True, None, True, "awarded"),
        # A withdrawal or an ineligibility outweighs any allocation, final or not.
        ("withdrawn", True, "awarded", True, "withdrawn"),
        ("ineligible", True, "awarded", False, "ineligible"),
        # An upheld objection puts an awarded application back under review.
        ("reopened", True, "awarded", False, "under_review"),
    ],
)
def test_the_status_a_reader_sees(
    review: str, scored: bool, outcome: str | None, final: bool, status: str
) -> None:
    assert derive_status(review, scored, outcome, final) == status


def test_the_log_folds_into_the_status_event_by_event() -> None:
    parts = StatusParts()
    steps: list[tuple[str, dict[str, object], str]] = [
        ("ApplicationSubmitted", {}, "submitted"),
        ("ApplicationReviewed", {"decision": "returned"}, "returned"),
        ("ApplicationAmended", {}, "submitted"),
        ("ApplicationReviewed", {"decision": "eligible"}, "eligible"),
        ("ApplicationScored", {}, "scored"),
        ("ApplicationAwarded", {}, "awarded"),
        ("ObjectionDecided", {"decision": "rejected"}, "awarded"),
        ("ObjectionDecided", {"decision": "upheld"}, "under_review"),
        ("ApplicationReviewed", {"decision": "eligible"}, "awarded"),
        ("ProposedAwardWithdrawn", {}, "scored"),
        ("ApplicationNotAwarded", {}, "not_awarded"),
        ("AwardFinalised", {}, "awarded"),
        ("ApplicationWithdrawn", {}, "withdrawn"),
    ]
    assert [parts.after(kind, payload) for kind, payload, _ in steps] == [s for *_, s in steps]


NOW = datetime(2026, 7, 1, 9, tzinfo=UTC)


def test_an_award_is_in_publicity_until_the_period_ends_then_proposed_until_final() -> None:
    ends = NOW + timedelta(days=5)
    assert award_stage("awarded", False, ends, NOW) == "in_publicity"
    assert award_stage("awarded", False, NOW, NOW) == "proposed"  # the period's end is out
    assert award_stage("awarded", False, None, NOW) == "proposed"
    assert award_stage("awarded", True, ends, NOW) == "final"
    assert award_stage("not_awarded", True, ends, NOW) is None


def test_a_list_is_in_publicity_until_its_period_ends_then_ended_until_final() -> None:
    assert list_stage(False, NOW + timedelta(seconds=1), NOW) == "in_publicity"
    assert list_stage(False, NOW, NOW) == "ended"
    assert list_stage(True, NOW + timedelta(days=1), NOW) == "final"


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        (
            {
                "category": "standard",
                "level": "national",
                "standard_number": "GB/T 45678-2026",
                "title": "Cold-chain service quality",
                "work": "formulation",
                "role": "lead",
            },
            ("GB/T 45678-2026 Cold-chain service quality (formulation, lead drafter)", "national"),
        ),
        (
            {
                "category": "standard",
                "level": "group",
                "standard_number": "T/CQ 12-2026",
                "title": "Property services",
                "work": "revision",
                "role": "participant",
            },
            ("T/CQ 12-2026 Property services (revision, participating drafter)", "group"),
        ),
        (
            {"category": "quality_brand", "award": "mayor_quality_award", "tier": "winner"}
            | {"year": 2025},
            ("mayor's quality award 2025 (winner)", "mayor_quality_award"),
        ),
        (
            {"category": "quality_brand", "award": "china_quality_award", "tier": "nominee"}
            | {"year": 2026},
            ("China Quality Award 2026 (nominee)", "china_quality_award"),
        ),
        (
            {"category": "pilot_project", "level": "municipal", "project_name": "Cold chain"},
            ("Cold chain", "municipal"),
        ),
        (
            {
                "category": "standard_adoption",
                "international_standard": "ISO 9001:2015",
                "products": "Catering",
            },
            ("adoption of ISO 9001:2015 in Catering", "adoption"),
        ),
    ],
)
def test_the_published_list_names_each_claim_as_a_reader_would(
    claim: dict[str, object], words: tuple[str, str]
) -> None:
    assert describe(claim) == words


def test_an_award_the_list_does_not_know_is_named_as_recorded() -> None:
    title = {"category": "quality_brand", "award": "provincial_award", "tier": "winner"}
    assert describe(title | {"year": 2026}) == (
        "provincial_award 2026 (winner)",
        "provincial_award",
    )
