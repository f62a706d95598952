"""The money rules as verify holds the paid history to them: budgets, the enterprise's
annual cap, one reward per achievement at its highest level, and the earlier payments
each decision says it relied on. Each broken rule is named at the decision that broke it."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from services.audit.domain.facts import ApplicationFacts, Decision
from services.audit.domain.limits import check_limits
from services.audit.domain.records import Coordinates, LoggedEvent
from services.audit.domain.rounds import Round

YEAR, CAP, BUDGET = 2026, 150_000, 1_000_000
ENTERPRISE, ACHIEVEMENT = "91500000MA0000000X", "91500000MA0000000X/standard:gbt1"


def closing(round_id: str, listed: list[str], budget: int = BUDGET) -> LoggedEvent:
    return LoggedEvent(
        event_id=f"{round_id}-closed",
        event_type="RoundClosed",
        schema_version=1,
        source="applications",
        aggregate_type="round",
        aggregate_id=round_id,
        aggregate_version=2,
        occurred_at=datetime(YEAR, 6, 30, tzinfo=UTC),
        correlation_id="c",
        causation_id=None,
        previous_hash="",
        hash="",
        actor={},
        payload={
            "application_ids": listed,
            "year": YEAR,
            "enterprise_cap_yuan": CAP,
            "budget_yuan": budget,
        },
        at=Coordinates("rounds", 0, 1),
    )


def decided(
    application_id: str,
    round_id: str,
    decided_at: int,
    amount: int,
    claimed: int = 100_000,
    key: str = ACHIEVEMENT,
    prior_for_key: int = 0,
    prior_this_year: int = 0,
) -> ApplicationFacts:
    decision = Decision(
        event_id=f"{application_id}-decision",
        at=Coordinates("scoring", 0, decided_at),
        event_type="ApplicationAwarded" if amount else "ApplicationNotAwarded",
        occurred_at=decided_at,
        causation_id=f"{round_id}-closed",
        amount_yuan=amount,
        rank=1,
        reason_code=None if amount else "budget_exhausted",
        prior_achievement_reward_yuan=prior_for_key,
        prior_enterprise_year_yuan=prior_this_year,
        policy_sha256=None,
    )
    claim = (application_id, ENTERPRISE, key, claimed, 50)
    return ApplicationFacts(application_id, round_id, claim, None, (decision,), decided_at)


def check(*rounds: tuple[str, list[ApplicationFacts], int]) -> list[tuple[str, str]]:
    """(application, problem) for every finding, over rounds given as (id, facts, budget)."""
    facts = {a.id: a for _, applications, _ in rounds for a in applications}
    built = {
        round_id: Round(
            round_id, [closing(round_id, [a.id for a in applications], budget)], applications
        )
        for round_id, applications, budget in rounds
    }
    return [(f.application_id or "", f.message) for f in check_limits(built, facts)]


def test_payments_that_keep_every_rule_pass() -> None:
    first = decided("a1", "r1", decided_at=1, amount=60_000, claimed=60_000)
    # The same achievement at a higher level a round later: only the difference is paid.
    higher = decided(
        "a2", "r2", decided_at=2, amount=40_000, prior_for_key=60_000, prior_this_year=60_000
    )
    assert check(("r1", [first], BUDGET), ("r2", [higher], BUDGET)) == []


def test_a_round_that_awards_more_than_its_budget_is_named() -> None:
    awards = [decided("a1", "r1", 1, 100_000, key="k1"), decided("a2", "r1", 1, 40_000, key="k2")]
    assert check(("r1", awards, 120_000)) == [
        ("", "awarded 140000 yuan, over the budget of 120000")
    ]


def test_the_award_that_passes_the_enterprises_annual_cap_is_named() -> None:
    awards = [decided("a1", "r1", 1, 100_000, key="k1"), decided("a2", "r1", 1, 100_000, key="k2")]
    assert check(("r1", awards, BUDGET)) == [
        ("a2", f"the enterprise's awards this year pass the cap of {CAP} yuan")
    ]


def test_an_achievement_paid_twice_is_named_with_what_the_decision_relied_on() -> None:
    """The second award says nothing was paid before; the history shows otherwise."""
    first = decided("a1", "r1", decided_at=1, amount=100_000)
    again = decided("a2", "r2", decided_at=2, amount=100_000)
    assert check(("r1", [first], BUDGET), ("r2", [again], BUDGET)) == [
        ("a2", "relied on 0 yuan paid earlier for the achievement; the history shows 100000"),
        (
            "a2",
            "relied on 0 yuan paid to the enterprise earlier this year; the history shows 100000",
        ),
        ("a2", "the achievement has been paid more than its highest claimed level"),
        ("a2", f"the enterprise's awards this year pass the cap of {CAP} yuan"),
    ]


def test_a_refusal_pays_nothing_and_relies_on_what_was_paid() -> None:
    first = decided("a1", "r1", decided_at=1, amount=100_000)
    refused = decided("a2", "r2", decided_at=2, amount=0, prior_for_key=100_000)
    later = decided(
        "a3", "r3", decided_at=3, amount=0, prior_for_key=100_000, prior_this_year=100_000
    )
    assert check(("r1", [first], BUDGET), ("r2", [refused], BUDGET), ("r3", [later], BUDGET)) == [
        (
            "a2",
            "relied on 0 yuan paid to the enterprise earlier this year; the history shows 100000",
        )
    ]


def test_a_payment_under_other_achievement_rules_counts_as_the_later_round_keys_it() -> None:
    """Part 1 of a series paid in a 2026.1 round; part 2 claimed in a 2026.2 round, where
    the series is one achievement: the later decision must rely on the earlier payment."""

    def filed(number: str) -> dict[str, str]:
        return {"category": "standard", "standard_number": number, "work": "formulation"}

    old_key, new_key = f"{ENTERPRISE}/standard:gbt2873312025", f"{ENTERPRISE}/standard:gb/t28733"
    part1 = decided("a1", "r1", decided_at=1, amount=60_000, claimed=120_000, key=old_key)
    part1 = msgspec.structs.replace(part1, filed=filed("GB/T 28733.1-2025"))
    relied = decided("a2", "r2", 2, 60_000, 120_000, new_key, 60_000, prior_this_year=60_000)
    ignored = decided("a3", "r3", 3, 0, 120_000, new_key, prior_this_year=60_000)
    assert check_under(("r1", [part1], "2026.1"), ("r2", [relied], "2026.2")) == []
    assert check_under(("r1", [part1], "2026.1"), ("r3", [ignored], "2026.2")) == [
        ("a3", "relied on 0 yuan paid earlier for the achievement; the history shows 60000")
    ]
    # Under 2026.1 rules the parts were different achievements: nothing relied on.
    assert check_under(("r1", [part1], "2026.1"), ("r3", [ignored], "2026.1")) == []


def check_under(*rounds: tuple[str, list[ApplicationFacts], str]) -> list[tuple[str, str]]:
    """`check`, each round closed under the policy version named."""
    facts = {a.id: a for _, applications, _ in rounds for a in applications}
    built = {}
    for round_id, applications, policy in rounds:
        closed = closing(round_id, [a.id for a in applications])
        closed.payload["policy_version"] = policy
        built[round_id] = Round(round_id, [closed], applications)
    return [(f.application_id or "", f.message) for f in check_limits(built, facts)]
