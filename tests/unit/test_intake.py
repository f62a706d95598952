"""Intake and review rules of the applications domain, without I/O."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.applications.domain.application import Application, Filing, submit
from services.applications.domain.errors import InvalidInput, NotAllowedNow
from services.applications.domain.intake_rules import refuse_barred
from services.applications.domain.rounds import FundingRound
from shared.contracts.payments import AwardRevoked
from shared.contracts.values import (
    Contact,
    Enterprise,
    Evidence,
    PilotProjectClaim,
    QualityBrandClaim,
    StandardClaim,
)

NOW = datetime(2026, 9, 1, tzinfo=UTC)
ROUND = FundingRound(
    id="r1",
    name="2026",
    year=2026,
    opens_at=NOW - timedelta(days=30),
    closes_at=NOW + timedelta(days=30),
    period_start=date(2025, 7, 1),
    period_end=date(2026, 6, 30),
    budget_yuan=5_000_000,
    enterprise_cap_yuan=1_000_000,
    policy_version="2026.1",
)
STANDARD = StandardClaim(
    category="standard",
    level="group",
    standard_number="T/CQSES 12-2026",
    title="Elderly care service quality",
    work="formulation",
    role="participant",
    published_on=date(2026, 1, 15),
)


def title(conferred_on: date | None, year: int = 2026) -> QualityBrandClaim:
    return QualityBrandClaim(
        category="quality_brand",
        award="district_quality_award",
        tier="winner",
        year=year,
        conferred_on=conferred_on,
    )


def filing(code: str = "91110000600037341L", **changes: object) -> Filing:
    base = {
        "enterprise": Enterprise(credit_code=code, name="Jiefangbei Care", industry="elderly care"),
        "claim": STANDARD,
        "evidence": [Evidence(name="foreword.pdf", size_bytes=900, sha256="b" * 64)],
        "contact": Contact(email="care@example.cn"),
    }
    return Filing(**{**base, **changes})  # type: ignore[arg-type]


def refusal(error: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    return error.value.field, error.value.rule


def test_a_good_filing_becomes_a_submission_under_the_rounds_policy() -> None:
    submitted = submit("a1", ROUND, filing())
    assert (submitted.round_id, submitted.policy_version) == ("r1", "2026.1")


def test_a_bad_check_character_is_refused_naming_field_and_rule() -> None:
    with pytest.raises(InvalidInput) as error:
        submit("a1", ROUND, filing("91110000600037341A"))
    assert refusal(error) == ("enterprise.credit_code", "checksum")
    assert "should be L" in error.value.message


def test_a_failed_checksum_declared_as_an_exception_is_taken_for_review() -> None:
    submitted = submit("a1", ROUND, filing("91350100M0001TGQXM", credit_code_exception=True))
    assert submitted.credit_code_exception_requested


def test_a_malformed_code_cannot_be_declared_an_exception() -> None:
    with pytest.raises(InvalidInput) as error:
        submit("a1", ROUND, filing("9135010OM0001TGQXM", credit_code_exception=True))
    assert refusal(error) == ("enterprise.credit_code", "alphabet")


@pytest.mark.parametrize(
    ("claim", "field"),
    [
        (STANDARD.model_copy(update={"published_on": date(2025, 6, 30)}), "claim.published_on"),
        (
            PilotProjectClaim(
                category="pilot_project",
                level="national",
                project_name="x",
                accepted_on=date(2026, 7, 1),
            ),
            "claim.accepted_on",
        ),
        (title(date(2025, 6, 30)), "claim.conferred_on"),
        (title(date(2026, 7, 1)), "claim.conferred_on"),
    ],
)
def test_an_achievement_outside_the_rounds_period_is_refused(claim: object, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        submit("a1", ROUND, filing(claim=claim))
    assert refusal(error) == (field, "within_round_period")


@pytest.mark.parametrize("day", [date(2025, 7, 1), date(2026, 6, 30)])
def test_a_title_conferred_on_the_first_or_last_day_of_the_period_counts(day: date) -> None:
    assert submit("a1", ROUND, filing(claim=title(day))).claim == title(day)


def test_a_title_counts_by_the_day_it_was_conferred_not_by_its_year() -> None:
    """The period runs July 2025 to June 2026: a title of 2025 conferred in March 2025
    touches the period's years but not the period."""
    with pytest.raises(InvalidInput) as error:
        submit("a1", ROUND, filing(claim=title(date(2025, 3, 1), year=2025)))
    assert refusal(error) == ("claim.conferred_on", "within_round_period")
    # The title of 2025 conferred in January 2026 is inside it.
    submit("a1", ROUND, filing(claim=title(date(2026, 1, 20), year=2025)))


def test_a_title_filed_without_its_day_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        submit("a1", ROUND, filing(claim=title(None)))
    assert refusal(error) == ("claim.conferred_on", "missing")


def test_no_evidence_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        submit("a1", ROUND, filing(evidence=[]))
    assert refusal(error) == ("evidence", "required")


def test_submissions_are_refused_outside_the_window_and_after_closing() -> None:
    with pytest.raises(NotAllowedNow, match="opens at"):
        ROUND.refuse_submission_at(ROUND.opens_at - timedelta(seconds=1))
    with pytest.raises(NotAllowedNow, match="closed at"):
        ROUND.refuse_submission_at(ROUND.closes_at)
    closed = ROUND.close(NOW, {"a1": 1})
    with pytest.raises(NotAllowedNow) as error:
        FundingRound(**{**ROUND.__dict__, "closed_at": closed.closed_at}).refuse_submission_at(NOW)
    assert error.value.rule == "round_closed"


def applied(**changes: Any) -> Application:
    return Application.replay([submit("a1", ROUND, filing(**changes))])


def test_ineligible_needs_a_known_reason_and_returned_needs_a_note() -> None:
    with pytest.raises(InvalidInput) as error:
        applied().review("ineligible", "looked_wrong", "", False)
    assert refusal(error) == ("reason_code", "known_reason")
    with pytest.raises(InvalidInput) as error:
        applied().review("returned", None, " ", False)
    assert refusal(error) == ("note", "required")


def test_a_credit_code_exception_must_be_accepted_to_be_eligible() -> None:
    pending = applied(
        enterprise=filing("91350100M0001TGQXM").enterprise, credit_code_exception=True
    )
    with pytest.raises(InvalidInput) as error:
        pending.review("eligible", None, "", accept_credit_code=False)
    assert refusal(error) == ("accept_credit_code", "exception_needs_acceptance")
    assert pending.review(
        "eligible", None, "", accept_credit_code=True
    ).credit_code_exception_accepted


def test_only_a_returned_application_is_amended_and_then_awaits_review_again() -> None:
    submitted = submit("a1", ROUND, filing())
    with pytest.raises(NotAllowedNow):
        Application.replay([submitted]).amend(filing(), ROUND)
    returned = Application.replay([submitted]).review(
        "returned", None, "attach the foreword", False
    )
    amended = Application.replay([submitted, returned]).amend(filing(), ROUND)
    assert Application.replay([submitted, returned, amended]).stage == "submitted"


def test_a_returned_application_lapses_at_closing_and_nothing_else_does() -> None:
    submitted = submit("a1", ROUND, filing())
    returned = Application.replay([submitted]).review("returned", None, "fix", False)
    lapsed = Application.replay([submitted, returned]).lapse()
    assert lapsed is not None
    assert (lapsed.decision, lapsed.reason_code) == ("ineligible", "lapsed")
    assert Application.replay([submitted]).lapse() is None


def test_withdrawal_is_refused_once_decided() -> None:
    assert applied().withdraw("merged", decided=False).reason == "merged"
    with pytest.raises(NotAllowedNow):
        applied().withdraw("too late", decided=True)


def test_an_enterprise_barred_for_false_materials_is_refused_naming_the_bar() -> None:
    revoked_at = datetime(2026, 3, 1, 2, tzinfo=UTC)
    code = "91110108551385082Q"
    revocation = AwardRevoked(
        application_id="a-2025",
        credit_code=code,
        reason="false_materials",
        document_reference="渝质撤[2026]1号",
        revoked_at=revoked_at,
        paid_yuan=300_000,
        cancelling=[],
    )
    with pytest.raises(InvalidInput) as refused:
        refuse_barred(code, [revocation], revoked_at + timedelta(days=365))
    assert (refused.value.field, refused.value.rule) == ("enterprise.credit_code", "not_barred")
    assert "a-2025" in refused.value.message
    assert "2029-03-01 inclusive" in refused.value.message
    refuse_barred("91110000600037341L", [revocation], revoked_at)  # another enterprise
    refuse_barred(code, [revocation.model_copy(update={"reason": "duplicate_funding"})], revoked_at)
    refuse_barred(code, [revocation], datetime(2029, 3, 1, 16, tzinfo=UTC))  # the bar is over
