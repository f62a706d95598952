"""What an official list's entry proposes: the claim per unit, the rounds whose window and
period take it (first and last day included), and the "level or higher" rule that
withholds a proposal where the enterprise's achievement is already covered."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.applications.domain.errors import NotAllowedNow
from services.applications.domain.proposal import Proposal
from services.applications.domain.proposing import (
    Prior,
    application_prior_state,
    claim_from_entry,
    covered_by,
    covers,
    industry_of,
    proposal_id,
    rounds_for,
)
from services.applications.domain.rounds import FundingRound
from shared.contracts.lists import (
    AwardEntry,
    NamedUnit,
    PilotProjectEntry,
    UnitRef,
)
from shared.contracts.values import Enterprise, StandardClaim
from shared.rules.claims import ClaimRecord, claim_record
from tests.support.official_lists import ROUND, standard

STANDARD = standard()
NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


def standard_claim(role: str, level: str = "national") -> ClaimRecord:
    claim = claim_record(claim_from_entry(STANDARD, 0))
    return {**claim, "role": role, "level": level}  # type: ignore[return-value]


def award(tier: str) -> ClaimRecord:
    return {"category": "quality_brand", "award": "mayor_quality_award", "tier": tier, "year": 2026}


def pilot(level: str) -> ClaimRecord:
    return {
        "category": "pilot_project",
        "level": level,
        "project_name": "智慧物业",
        "accepted_on": "2026-05-20",
    }


def test_the_first_drafting_unit_leads_and_the_others_participate() -> None:
    lead, other = claim_from_entry(STANDARD, 0), claim_from_entry(STANDARD, 1)
    assert isinstance(lead, StandardClaim)
    assert isinstance(other, StandardClaim)
    assert (lead.role, other.role) == ("lead", "participant")
    assert (lead.standard_number, lead.published_on) == ("GB/T 45001-2026", date(2026, 2, 10))


def test_an_award_and_a_pilot_project_are_claimed_as_the_list_names_them() -> None:
    winner = AwardEntry(
        kind="award",
        source_document="渝府发[2026]5号",
        award="china_quality_award",
        tier="nominee",
        year=2025,
        conferred_on=date(2026, 1, 8),
        winner=NamedUnit(name="丙公司"),
    )
    assert claim_from_entry(winner, 0).model_dump(mode="json") == {
        "category": "quality_brand",
        "award": "china_quality_award",
        "tier": "nominee",
        "year": 2025,
        "conferred_on": "2026-01-08",
    }
    project = PilotProjectEntry(
        kind="pilot_project",
        source_document="渝市监发[2026]9号",
        level="national",
        project_name="智慧物业",
        accepted_on=date(2026, 5, 20),
        units=[NamedUnit(name="丁公司")],
    )
    assert claim_record(claim_from_entry(project, 0)) == pilot("national")


@pytest.mark.parametrize(
    ("on", "taken"),
    [
        (date(2025, 7, 1), True),  # the period's first day
        (date(2026, 6, 30), True),  # its last
        (date(2025, 6, 30), False),
        (date(2026, 7, 1), False),
    ],
)
def test_a_round_takes_an_entry_of_its_period_both_ends_included(on: date, taken: bool) -> None:
    assert (rounds_for([ROUND], on, NOW) == [ROUND]) is taken


@pytest.mark.parametrize(
    ("now", "closed", "taken"),
    [
        (datetime(2026, 1, 1, tzinfo=UTC), False, True),  # the moment it opens
        (datetime(2026, 1, 1, tzinfo=UTC) - timedelta(seconds=1), False, False),
        (datetime(2026, 12, 31, tzinfo=UTC), False, False),  # the moment it closes
        (NOW, True, False),  # closed early by an officer
    ],
)
def test_only_a_round_taking_submissions_now_is_proposed_in(
    now: datetime, closed: bool, taken: bool
) -> None:
    round_ = ROUND if not closed else FundingRound(**{**ROUND.__dict__, "closed_at": NOW})
    assert bool(rounds_for([round_], date(2026, 2, 10), now)) is taken


@pytest.mark.parametrize(
    ("prior", "proposed", "covered"),
    [
        (standard_claim("lead"), standard_claim("participant"), True),
        (standard_claim("lead"), standard_claim("lead"), True),
        (standard_claim("participant"), standard_claim("lead"), False),
        (standard_claim("participant"), standard_claim("participant"), True),
        (standard_claim("lead", "group"), standard_claim("lead", "national"), False),
        (award("winner"), award("nominee"), True),
        (award("nominee"), award("winner"), False),
        (award("nominee"), award("nominee"), True),
        (pilot("national"), pilot("municipal"), True),
        (pilot("municipal"), pilot("national"), False),
    ],
)
def test_a_claim_at_the_proposals_rank_or_higher_covers_it(
    prior: ClaimRecord, proposed: ClaimRecord, covered: bool
) -> None:
    assert covers(prior, proposed) is covered


def test_what_covers_is_named_by_the_strongest_reason() -> None:
    priors = [
        Prior("proposal", "p1", "proposed", standard_claim("lead")),
        Prior("application", "a1", "claimed", standard_claim("lead")),
        Prior("application", "a2", "rewarded", standard_claim("participant")),
    ]
    assert covered_by(priors, standard_claim("participant")) == ("already_rewarded", priors[2])
    # The reward was as a participant: it does not cover a lead; the claim to lead does.
    assert covered_by(priors, standard_claim("lead")) == ("already_claimed", priors[1])
    assert covered_by(priors[:1], standard_claim("lead")) == ("already_proposed", priors[0])
    assert covered_by([], standard_claim("lead")) is None


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("awarded", "rewarded"),
        ("submitted", "claimed"),
        ("returned", "claimed"),
        ("not_awarded", "claimed"),
        ("withdrawn", None),
        ("ineligible", None),
    ],
)
def test_a_withdrawn_or_ineligible_application_covers_nothing(status: str, state: Any) -> None:
    assert application_prior_state(status) == state


def test_one_round_and_list_unit_give_one_proposal_id() -> None:
    unit = UnitRef(list_id="samr-2026-03", entry=1, unit=0)
    assert proposal_id("r1", unit) == proposal_id("r1", unit.model_copy())
    others = {
        proposal_id("r2", unit),
        proposal_id("r1", UnitRef(list_id="samr-2026-03", entry=1, unit=1)),
        proposal_id("r1", UnitRef(list_id="samr-2026-04", entry=1, unit=0)),
    }
    assert proposal_id("r1", unit) not in others
    assert len(others) == 3


def test_the_industry_is_the_registers_division_by_name() -> None:
    assert industry_of("G5430") == "道路运输业"
    assert industry_of("C13") == "农副食品加工业"
    assert industry_of("Z99") == "Z99"


def test_only_an_open_proposal_is_confirmed_declined_or_lapsed() -> None:
    enterprise = Enterprise(credit_code="91500101MA5U7T1X2P", name="甲公司", industry="道路运输业")
    open_ = Proposal("p1", "r1", "open", enterprise, claim_from_entry(STANDARD, 0))
    assert open_.confirm("a1", "applicant-x").application_id == "a1"
    assert open_.lapse() is not None
    for state in ("withheld", "confirmed", "declined", "lapsed"):
        closed = Proposal("p1", "r1", state)
        assert closed.lapse() is None
        with pytest.raises(NotAllowedNow) as error:
            closed.decline("applicant-x", "")
        assert (error.value.field, error.value.rule) == ("proposal_id", "proposal_open")
