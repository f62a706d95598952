"""One standard, one lead drafter: a disputed lead claim waits for the reviewer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.applications.domain.errors import InvalidInput, NotAllowedNow
from services.applications.domain.lead import LeadClaim, LeadReview, check_lead, rivals


def test_an_undisputed_lead_needs_no_decision() -> None:
    assert check_lead("eligible", claims_lead=True, lead=LeadReview()) is None


def test_a_disputed_lead_is_not_found_eligible_without_a_decision() -> None:
    with pytest.raises(NotAllowedNow) as refused:
        check_lead("eligible", claims_lead=True, lead=LeadReview(rivals=("a-1", "a-2")))
    assert (refused.value.field, refused.value.rule) == ("lead_decision", "lead_disputed")
    assert "a-1, a-2" in refused.value.message


@pytest.mark.parametrize("decision", ["confirmed_lead", "participant"])
def test_the_reviewers_decision_is_recorded(decision: str) -> None:
    lead = LeadReview(decision=decision, rivals=("a-1",))  # type: ignore[arg-type]
    assert check_lead("eligible", claims_lead=True, lead=lead) == decision


def test_a_refusal_or_return_needs_no_lead_decision() -> None:
    disputed = LeadReview(rivals=("a-1",))
    assert check_lead("ineligible", claims_lead=True, lead=disputed) is None
    assert check_lead("returned", claims_lead=True, lead=disputed) is None


def test_only_a_claim_to_lead_takes_a_lead_decision() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_lead("eligible", claims_lead=False, lead=LeadReview(decision="participant"))
    assert refused.value.rule == "lead_claims_only"


T0 = datetime(2026, 3, 1, tzinfo=UTC)


def lead(
    app: str, code: str, minutes: int, review: str = "eligible", decided: str | None = None
) -> LeadClaim:
    return LeadClaim(app, code, T0 + timedelta(minutes=minutes), review, decided)


def test_rivals_are_earlier_standing_claims_of_other_enterprises_oldest_first() -> None:
    own = lead("own", "C0", 10)
    others = [
        lead("later", "C1", 11),
        lead("same enterprise", "C0", 1),
        lead("refused", "C2", 2, review="ineligible"),
        lead("withdrawn", "C3", 3, review="withdrawn"),
        lead("paid as participant", "C4", 4, decided="participant"),
        lead("second", "C5", 6, review="submitted"),
        lead("first", "C6", 5, decided="confirmed_lead"),
    ]
    assert rivals(own, others) == ("first", "second")
