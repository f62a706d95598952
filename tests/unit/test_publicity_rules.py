"""Publicity's rules below the HTTP level: who may object and when, what the list shows,
and when a round's awards may be made final."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from services.applications.domain.errors import DomainError, InvalidInput, NotAllowedNow
from services.applications.domain.finalisation import RoundStanding, finalise
from services.applications.domain.objections import check_objector, refuse_objection_at
from services.applications.domain.published_list import Enterprise, publish
from services.applications.domain.rounds import FundingRound
from shared.contracts.publicity import FinalAward, Objector, PublicityOpened
from shared.contracts.scoring import AllocationOutcome, RoundAllocated
from shared.contracts.values import ChainHead
from shared.hashchain import history_digest
from shared.rules.status import award_stage, list_stage

MONDAY = datetime(2026, 6, 1, 2, tzinfo=UTC)  # 10:00 in Beijing
ENDS = datetime(2026, 6, 8, 16, tzinfo=UTC)  # midnight after five working days
ROUND = FundingRound(
    id="r1",
    name="2026",
    year=2026,
    opens_at=datetime(2026, 1, 1, tzinfo=UTC),
    closes_at=datetime(2026, 12, 1, tzinfo=UTC),
    period_start=date(2025, 7, 1),
    period_end=date(2026, 6, 30),
    budget_yuan=650_000,
    enterprise_cap_yuan=1_000_000,
    policy_version="2026.2",
)
IN_PUBLICITY = replace(ROUND, publicity_ends_at=ENDS, list_revision=1, list_allocation=1)
PILOT = {"category": "pilot_project", "level": "municipal", "project_name": "Smart property"}
HEAD = ChainHead(source="applications", aggregate_id="a1", version=2, hash="c" * 64)


def allocated(number: int, **amounts: int) -> RoundAllocated:
    return RoundAllocated(
        round_id="r1",
        allocation=number,
        policy_version="2026.2",
        policy_sha256="b" * 64,
        budget_yuan=650_000,
        outcomes=[AllocationOutcome(application_id=a, amount_yuan=n) for a, n in amounts.items()],
        heads=[],
    )


ENTERPRISES = {name: Enterprise(f"Firm {name}", "91110108551385082Q", PILOT) for name in "abc"}


def test_the_first_list_opens_the_period_on_the_official_calendar() -> None:
    opened = publish(ROUND, allocated(1, a=300_000, b=0, c=320_000), ENTERPRISES, [HEAD], MONDAY)
    assert isinstance(opened, PublicityOpened)
    assert (opened.last_day, opened.ends_at, opened.revision) == (date(2026, 6, 8), ENDS, 1)
    assert [e.application_id for e in opened.entries] == ["c", "a"], "largest first, no zeros"
    assert opened.total_yuan == 620_000
    assert opened.digest == history_digest([HEAD])


def test_a_later_allocation_revises_the_list_and_the_same_one_does_not() -> None:
    revised = publish(IN_PUBLICITY, allocated(2, a=300_000), ENTERPRISES, [HEAD], MONDAY)
    assert revised is not None
    assert (revised.event_type, revised.revision) == ("PublishedListRevised", 2)
    assert publish(IN_PUBLICITY, allocated(1, a=1), ENTERPRISES, [HEAD], MONDAY) is None
    final = replace(IN_PUBLICITY, finalised_at=ENDS)
    assert publish(final, allocated(2, a=1), ENTERPRISES, [HEAD], MONDAY) is None


def rule_of(refused: pytest.ExceptionInfo[DomainError]) -> tuple[str, str]:
    return refused.value.field, refused.value.rule


@pytest.mark.parametrize(
    ("objector", "field", "rule"),
    [
        ({"name": "Anonymous"}, "objector.name", "named"),
        ({"name": "匿名"}, "objector.name", "named"),
        ({"kind": "organisation"}, "objector.credit_code", "required"),
        (
            {"kind": "organisation", "credit_code": "91110108551385082A"},
            "objector.credit_code",
            "checksum",
        ),
        (
            {"kind": "organisation", "credit_code": "91110108551385082Q"},
            "objector.authorised_person",
            "required",
        ),
    ],
)
def test_an_objection_must_say_who_makes_it(
    objector: dict[str, str], field: str, rule: str
) -> None:
    who = Objector(**{"kind": "person", "name": "Zhang Wei", "email": "z@example.cn", **objector})
    with pytest.raises(InvalidInput) as refused:
        check_objector(who)
    assert rule_of(refused) == (field, rule)


def test_named_objectors_pass() -> None:
    check_objector(Objector(kind="person", name="Zhang Wei", email="z@example.cn"))
    check_objector(
        Objector(
            kind="organisation",
            name="Association",
            credit_code="91110108551385082Q",
            authorised_person="Li Na",
            email="l@example.cn",
        )
    )


def test_objections_are_taken_until_the_period_ends_and_not_at_its_end() -> None:
    refuse_objection_at(IN_PUBLICITY, ENDS - timedelta(microseconds=1))
    with pytest.raises(NotAllowedNow) as refused:
        refuse_objection_at(IN_PUBLICITY, ENDS)
    assert rule_of(refused) == ("round_id", "publicity_ended")
    with pytest.raises(NotAllowedNow) as unpublished:
        refuse_objection_at(ROUND, MONDAY)
    assert rule_of(unpublished) == ("round_id", "publicity_not_open")


CLEAR = RoundStanding(open_objections=0, awaiting_review=0, awaiting_reallocation=0)
AWARDS = [FinalAward(application_id="a", credit_code="91110108551385082Q", amount_yuan=300_000)]


@pytest.mark.parametrize(
    ("round_", "standing", "at", "rule"),
    [
        (ROUND, CLEAR, ENDS, "publicity_not_open"),
        (IN_PUBLICITY, CLEAR, ENDS - timedelta(microseconds=1), "publicity_running"),
        (IN_PUBLICITY, replace(CLEAR, open_objections=1), ENDS, "objections_open"),
        (IN_PUBLICITY, replace(CLEAR, awaiting_review=1), ENDS, "review_pending"),
        (IN_PUBLICITY, replace(CLEAR, awaiting_reallocation=1), ENDS, "reallocation_pending"),
        (replace(IN_PUBLICITY, finalised_at=ENDS), CLEAR, ENDS, "already_final"),
    ],
)
def test_awards_are_not_made_final_while_anything_is_open(
    round_: FundingRound, standing: RoundStanding, at: datetime, rule: str
) -> None:
    with pytest.raises(NotAllowedNow) as refused:
        finalise(round_, standing, AWARDS, at)
    assert rule_of(refused) == ("round_id", rule)


def test_the_period_s_end_is_the_first_moment_awards_may_be_final() -> None:
    final = finalise(IN_PUBLICITY, CLEAR, AWARDS, ENDS)
    assert (final.total_yuan, final.list_revision, final.awards) == (300_000, 1, AWARDS)


def test_an_award_is_in_publicity_until_the_period_ends_then_proposed_until_final() -> None:
    before = ENDS - timedelta(microseconds=1)
    assert award_stage("awarded", False, None, before) == "proposed"
    assert award_stage("awarded", False, ENDS, before) == "in_publicity"
    assert award_stage("awarded", False, ENDS, ENDS) == "proposed"
    assert award_stage("awarded", True, ENDS, ENDS) == "final"
    assert award_stage("not_awarded", False, ENDS, before) is None
    assert [list_stage(False, ENDS, before), list_stage(False, ENDS, ENDS)] == [
        "in_publicity",
        "ended",
    ]
    assert list_stage(True, ENDS, before) == "final"
