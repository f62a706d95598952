"""The office's report from a small hand-made round (tests/support/report_history.py):
sums by category and level, reasons by code, median step times, priority industries and
the year's largest recipients, whatever order the three topics are read in."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from shared.policy import policy_version
from shared.rules.report.changes import changes
from shared.rules.report.facts import Facts
from shared.rules.report.figures import median_seconds, report
from shared.rules.report.shape import Report, Scope
from tests.support.report_history import CODES, ROUND, history

PRIORITIES = {"2026.2": policy_version("2026.2")}


def facts_of(events: list) -> Facts:  # type: ignore[type-arg]
    facts = Facts()
    for envelope, event in events:
        for change in changes(envelope, event):
            facts.apply(change)
    return facts


def round_report(facts: Facts, **filters: str) -> Report:
    scope = Scope(kind="round", round_id=ROUND, year=2026, **filters)
    rounds = list(facts.rounds.values())
    return report(scope, rounds, list(facts.applications.values()), PRIORITIES)


def test_money_is_summed_by_category_and_level() -> None:
    made = round_report(facts_of(history()))
    assert made.budget_yuan == 500_000
    totals = made.totals
    assert totals.applications == 5
    assert totals.claimed_yuan == 720_000  # A 300000, C 300000, D 120000 as priced
    assert totals.proposed_yuan == 420_000
    assert totals.final_yuan == 420_000
    assert totals.paid_yuan == 420_000
    assert totals.recovered_yuan == 50_000
    lines = {(x.category, x.level): x for x in made.by_category_level}
    assert set(lines) == {
        ("pilot_project", "municipal"),
        ("quality_brand", "municipal"),
        ("standard", "national"),
    }
    standard = lines[("standard", "national")]
    assert (standard.applications, standard.final_yuan, standard.recovered_yuan) == (
        3,
        420_000,
        50_000,
    )
    assert lines[("pilot_project", "municipal")].claimed_yuan == 300_000


def test_reasons_are_counted_by_code() -> None:
    made = round_report(facts_of(history()))
    assert [(r.code, r.applications) for r in made.ineligibility_reasons] == [("outside_period", 1)]
    assert [(r.code, r.applications) for r in made.non_award_reasons] == [
        ("budget_exhausted", 1),
        ("withdrawn_by_applicant", 1),
    ]


def test_step_times_are_medians() -> None:
    steps = {
        s.step: (s.applications, s.median_seconds) for s in round_report(facts_of(history())).steps
    }
    assert steps["submission_to_review"] == (4, 5 * 3600)  # 2, 4, 6, 10 hours
    assert steps["review_to_score"] == (3, 60)  # 1, 1, 3 minutes
    assert steps["close_to_final"] == (2, 8 * 86400)
    assert steps["final_to_paid"] == (2, 3 * 86400)  # 2 and 4 days


def test_median_of_an_even_count_is_the_mean_of_the_middle_two_rounded_down() -> None:
    seconds = [timedelta(seconds=s) for s in (1, 2, 3, 4)]
    assert median_seconds(seconds) == 2  # 2.5 rounded down
    assert median_seconds(seconds[:3]) == 2
    assert median_seconds([timedelta(seconds=7)]) == 7
    assert median_seconds([]) is None


def test_awards_by_industry_and_by_priority_industry() -> None:
    made = round_report(facts_of(history()))
    industries = {x.industry: (x.priority, x.awards, x.final_yuan) for x in made.by_industry}
    # "Cold-Chain Logistics" is not spelled as the policy's "logistics": not a priority.
    assert industries == {
        "Cold-Chain Logistics": (False, 1, 300_000),
        "logistics": (True, 1, 120_000),
    }
    priority = {x.priority_industry: (x.awards, x.final_yuan) for x in made.by_priority_industry}
    assert priority["logistics"] == (1, 120_000)
    assert priority["cultural tourism"] == (0, 0)  # B was ineligible: no award
    assert set(priority) == set(PRIORITIES["2026.2"].priority_industries)


def test_largest_recipients_against_the_cap() -> None:
    made = round_report(facts_of(history()))
    assert [(r.credit_code, r.awarded_yuan, r.headroom_yuan) for r in made.largest_recipients] == [
        (CODES[0], 300_000, 700_000),
        (CODES[3], 120_000, 880_000),
    ]


def test_filters_choose_the_applications_not_the_budget() -> None:
    made = round_report(facts_of(history()), category="standard", level="national")
    assert made.totals.applications == 3
    assert made.totals.final_yuan == 420_000
    assert made.budget_yuan == 500_000
    assert made.ineligibility_reasons == []
    assert round_report(facts_of(history()), level="district").totals.applications == 0


def test_the_year_report_of_a_one_round_year_has_the_rounds_figures() -> None:
    facts = facts_of(history())
    year = report(
        Scope(kind="year", year=2026),
        list(facts.rounds.values()),
        list(facts.applications.values()),
        PRIORITIES,
    )
    assert year.totals == round_report(facts).totals
    assert year.steps == round_report(facts).steps
    assert report(Scope(kind="year", year=2025), [], [], PRIORITIES).totals.applications == 0


@pytest.mark.parametrize("seed", range(5))
def test_the_topics_may_be_read_in_any_order_relative_to_each_other(seed: int) -> None:
    events = history()
    by_source: dict[str, list] = {}  # type: ignore[type-arg]
    for pair in events:
        topic = type(pair[1]).__module__.rsplit(".", 1)[-1]
        # Events of one aggregate keep their order (one partition); topics interleave.
        by_source.setdefault(f"{topic}/{pair[0].aggregate_id}", []).append(pair)
    lanes = list(by_source.values())
    rng = random.Random(seed)
    shuffled = []
    while lanes:
        lane = rng.choice(lanes)
        shuffled.append(lane.pop(0))
        if not lane:
            lanes.remove(lane)
    assert round_report(facts_of(shuffled)) == round_report(facts_of(events))
