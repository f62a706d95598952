"""What each event does to the office's report, and the figures' edge cases: an award
taken back, an application returned and amended, a decision reviewed again, payments in
tranches, a year of two rounds, an award of one yuan, and the one reason each application
that got nothing is counted under."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services.reports.adapters.projection import TABLES
from shared.contracts import Contract
from shared.contracts.applications import ApplicationAmended, ApplicationReviewed
from shared.contracts.payments import PaymentAccepted, PaymentSucceeded
from shared.contracts.publicity import AwardFinalised
from shared.contracts.scoring import ProposedAwardWithdrawn
from shared.contracts.values import Contact, Enterprise, Evidence, StandardAdoptionClaim
from shared.envelope import Envelope
from shared.policy import policy_version
from shared.rules.report.changes import changes
from shared.rules.report.facts import ApplicationFacts, Facts, RoundFacts
from shared.rules.report.figures import median_seconds, report
from shared.rules.report.shape import ReasonLine, Report, Scope
from tests.support.report_history import CODES, DAY, HOUR, ROUND, T0, at, history

PRIORITIES = {"2026.2": policy_version("2026.2")}
Logged = tuple[Envelope, Contract]


def fold(events: list[Logged], facts: Facts | None = None) -> Facts:
    facts = facts or Facts()
    for envelope, event in events:
        for change in changes(envelope, event):
            facts.apply(change)
    return facts


def round_report(facts: Facts) -> Report:
    scope = Scope(kind="round", round_id=ROUND, year=2026)
    return report(scope, list(facts.rounds.values()), list(facts.applications.values()), PRIORITIES)


def reasons(lines: list[ReasonLine]) -> list[tuple[str, int]]:
    return [(line.code, line.applications) for line in lines]


def reviewed(app: str, decision: str, moment: datetime, reason: str | None = None) -> Logged:
    return at(
        ApplicationReviewed.model_validate(
            {"application_id": app, "round_id": ROUND, "decision": decision, "reason_code": reason}
        ),
        moment,
    )


def test_an_award_taken_back_counts_as_withdrawn_until_its_second_review_is_read() -> None:
    # During publicity, before any award is final: A (proposed 300000) is found
    # ineligible after an objection and its award taken back; C was not awarded.
    events = history()
    publicity = next(i for i, (_, e) in enumerate(events) if isinstance(e, AwardFinalised))
    facts = fold(events[:publicity])
    assert (facts.applications["A"].outcome, facts.applications["A"].proposed_yuan) == (
        "awarded",
        300_000,
    )
    assert (facts.applications["C"].outcome, facts.applications["C"].not_awarded_reason) == (
        "not_awarded",
        "budget_exhausted",
    )
    taken_back = ProposedAwardWithdrawn(
        application_id="A",
        round_id=ROUND,
        allocation=2,
        withdrawn_yuan=300_000,
        policy_version="2026.2",
        policy_sha256="b" * 64,
    )
    fold([at(taken_back, T0 + 20 * DAY)], facts)
    a = facts.applications["A"]
    assert (a.round_id, a.outcome, a.proposed_yuan, a.not_awarded_reason) == (
        ROUND,
        "withdrawn",
        0,
        None,
    )
    made = round_report(facts)
    assert made.totals.proposed_yuan == 120_000  # D's alone
    assert reasons(made.non_award_reasons) == [
        ("award_withdrawn", 1),
        ("budget_exhausted", 1),
        ("withdrawn_by_applicant", 1),
    ]
    assert "Cold-Chain Logistics" not in {line.industry for line in made.by_industry}
    # The second review, read from its own topic, says why: ineligible, counted once.
    fold([reviewed("A", "ineligible", T0 + 19 * DAY, "false_materials")], facts)
    made = round_report(facts)
    assert reasons(made.ineligibility_reasons) == [("false_materials", 1), ("outside_period", 1)]
    assert ("award_withdrawn", 1) not in reasons(made.non_award_reasons)


def test_a_returned_application_is_reported_as_amended_and_timed_to_its_decision() -> None:
    facts = fold(history())
    adopted = StandardAdoptionClaim(
        category="standard_adoption",
        international_standard="ISO 9001:2015",
        products="cold-chain storage services",
        adopted_on=date(2026, 1, 5),
    )
    amended = ApplicationAmended(
        application_id="F",
        enterprise=Enterprise(credit_code=CODES[2], name="Renamed Co.", industry="machinery"),
        claim=adopted,
        evidence=[Evidence(name="e.pdf", size_bytes=1, sha256="a" * 64)],
        contact=Contact(email="office@example.cn"),
    )
    submitted = history()[1][1].model_copy(update={"application_id": "F"})
    fold([at(submitted, T0), reviewed("F", "returned", T0 + HOUR)], facts)
    f = facts.applications["F"]
    assert (f.review, f.reviewed_at) == (None, None)  # a return decides nothing
    fold([at(amended, T0 + DAY), reviewed("F", "eligible", T0 + 2 * DAY)], facts)
    f = facts.applications["F"]
    assert (f.enterprise_name, f.category, f.level) == (
        "Renamed Co.",
        "standard_adoption",
        "adoption",
    )
    assert (f.review, f.reviewed_at) == ("eligible", T0 + 2 * DAY)
    lines = {(x.category, x.level): x.applications for x in round_report(facts).by_category_level}
    assert lines[("standard_adoption", "adoption")] == 1


def test_the_first_review_and_the_first_payment_time_the_steps_whatever_follows() -> None:
    facts = fold(history())
    # A's eligibility reviewed again after an objection (upheld in its favour), 3 days on;
    # its award paid in a second tranche a week after the first.
    second_payment = PaymentSucceeded(
        application_id="A",
        instruction_id="A-2",
        amount_yuan=1,
        bank_reference="bank-2",
        paid_at=T0 + 40 * DAY,
    )
    first_paid_at = facts.applications["A"].paid_at
    fold(
        [
            reviewed("A", "eligible", T0 + 3 * DAY),
            at(second_payment, T0 + 40 * DAY),
        ],
        facts,
    )
    a = facts.applications["A"]
    assert (a.reviewed_at, a.paid_at, a.paid_yuan) == (T0 + 2 * HOUR, first_paid_at, 300_001)
    steps = {s.step: (s.applications, s.median_seconds) for s in round_report(facts).steps}
    assert steps["submission_to_review"] == (4, 5 * 3600)
    assert steps["final_to_paid"] == (2, 3 * 86400)


def test_the_round_line_says_what_was_opened_when_it_closed_and_was_finalised() -> None:
    [line] = round_report(fold(history())).rounds
    closed = T0 + 10 * DAY
    assert line.model_dump() == {
        "round_id": ROUND,
        "name": "2026 incentives",
        "year": 2026,
        "budget_yuan": 500_000,
        "enterprise_cap_yuan": 1_000_000,
        "policy_version": "2026.2",
        "closed_at": closed,
        "finalised_at": closed + 8 * DAY,
    }


def test_every_change_is_to_a_table_the_reports_service_keeps_and_others_change_nothing() -> None:
    made = [c for envelope, event in history() for c in changes(envelope, event)]
    assert {c.table for c in made} == set(TABLES)
    envelope, accepted = at(
        PaymentAccepted(application_id="A", instruction_id="A-1", bureau_reference="FB-1"), T0
    )
    assert changes(envelope, accepted) == []  # the report has no use for it


# The figures, from facts made by hand ----------------------------------------------
def round_facts(round_id: str, budget: int) -> RoundFacts:
    return RoundFacts(
        round_id,
        name=round_id,
        year=2026,
        budget_yuan=budget,
        enterprise_cap_yuan=400_000,
        policy_version="2026.2",
    )


def application(app: str, round_id: str = "r1", **facts: object) -> ApplicationFacts:
    values: dict[str, object] = {
        "round_id": round_id,
        "credit_code": CODES[0],
        "enterprise_name": f"Enterprise {app}",
        "industry": "machinery",
        "category": "standard",
        "level": "national",
        "review": "eligible",
    }
    return ApplicationFacts(app, **(values | facts))  # type: ignore[arg-type]


def test_a_round_report_is_of_its_own_round_alone_in_a_year_of_two() -> None:
    rounds = [round_facts("r1", 500_000), round_facts("r2", 300_000)]
    applications = [
        application("X", "r1", proposed_yuan=100_000),
        application("Y", "r2", proposed_yuan=50_000),
    ]
    first = report(Scope(kind="round", round_id="r1", year=2026), rounds, applications, PRIORITIES)
    assert ([r.round_id for r in first.rounds], first.budget_yuan) == (["r1"], 500_000)
    assert (first.totals.applications, first.totals.proposed_yuan) == (1, 100_000)
    year = report(Scope(kind="year", year=2026), rounds, applications, PRIORITIES)
    assert (year.budget_yuan, year.totals.proposed_yuan) == (800_000, 150_000)


def test_an_award_counts_from_its_first_yuan_proposed_or_final() -> None:
    applications = [
        application("X", credit_code=CODES[0], industry="machinery", proposed_yuan=1),
        # Final read before its proposal (the topics are read side by side).
        application("Y", credit_code=CODES[1], industry="textiles", final_yuan=1, final_at=T0),
        application("Z", credit_code=CODES[2], industry="printing"),
    ]
    made = report(
        Scope(kind="year", year=2026), [round_facts("r1", 500_000)], applications, PRIORITIES
    )
    assert {(x.industry, x.awards) for x in made.by_industry} == {("machinery", 1), ("textiles", 1)}
    assert {(r.credit_code, r.awarded_yuan) for r in made.largest_recipients} == {
        (CODES[0], 1),
        (CODES[1], 1),
    }


def test_each_application_that_got_nothing_is_counted_under_one_reason() -> None:
    applications = [
        # Found ineligible, then withdrawn by its applicant: ineligible, once.
        application("V", review="ineligible", ineligible_reason="outside_period", withdrawn=True),
        # Ineligible without a code: still counted.
        application("W", review="ineligible"),
        # Awarded; its applicant's withdrawal read before the award taken back is: an award.
        application("X", proposed_yuan=100_000, outcome="awarded", withdrawn=True),
        application("Y", outcome="not_awarded", not_awarded_reason="enterprise_cap_reached"),
    ]
    made = report(
        Scope(kind="year", year=2026), [round_facts("r1", 500_000)], applications, PRIORITIES
    )
    assert reasons(made.ineligibility_reasons) == [("outside_period", 1), ("unspecified", 1)]
    assert reasons(made.non_award_reasons) == [("enterprise_cap_reached", 1)]


def test_a_recipient_is_measured_by_the_final_award_where_final_else_the_proposed() -> None:
    applications = [
        # Proposed 300000, made final at 250000 once the list was revised.
        application(
            "X", credit_code=CODES[0], proposed_yuan=300_000, final_yuan=250_000, final_at=T0
        ),
        application("Y", credit_code=CODES[1], proposed_yuan=100_000),  # not final yet
    ]
    made = report(
        Scope(kind="year", year=2026), [round_facts("r1", 500_000)], applications, PRIORITIES
    )
    assert [
        (r.credit_code, r.awarded_yuan, r.cap_yuan, r.headroom_yuan)
        for r in made.largest_recipients
    ] == [
        (CODES[0], 250_000, 400_000, 150_000),
        (CODES[1], 100_000, 400_000, 300_000),
    ]


def test_medians_are_in_whole_seconds_rounded_down() -> None:
    assert median_seconds([timedelta(milliseconds=1_500)]) == 1
    assert median_seconds([timedelta(milliseconds=1_500), timedelta(milliseconds=3_900)]) == 2
