"""The money rules, checked on what was paid: budgets, annual caps, one reward per
achievement at its highest level; and the earlier payments each decision relied on.
They span rounds and enterprises, so they run once every partition is read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .facts import ApplicationFacts, Decision
from .findings import Finding
from .rounds import Round

CHECK = "limits"


class _Standing(NamedTuple):
    """What had been paid when a decision was made, and which rules it broke."""

    key_paid_before: int
    year_paid_before: int
    cap: int
    relied_on_other_key_payments: bool
    relied_on_other_year_payments: bool
    over_highest_claim: bool
    over_cap: bool


def check_limits(
    rounds: Mapping[str, Round], facts: Mapping[str, ApplicationFacts]
) -> list[Finding]:
    # Plain dicts read with .get, not defaultdicts: looking up what was never paid (most
    # of a quarter of a million claims) then adds no entry, and the tables stay small
    # enough for the CPU's caches.
    findings: list[Finding] = []
    paid_by_key: dict[str, int] = {}
    paid_by_enterprise_year: dict[tuple[str, int], int] = {}
    highest_claim: dict[str, int] = {}
    allocated: list[tuple[int, str]] = [
        (t, r) for r, round_ in rounds.items() if (t := round_.allocated_at) is not None
    ]
    for _, round_id in sorted(allocated):
        round_ = rounds[round_id]
        closed = round_.closed
        if closed is None:
            continue
        year, cap = closed.payload["year"], closed.payload["enterprise_cap_yuan"]
        decisions = round_.decisions
        total = sum(d.amount_yuan for d in decisions.values())
        if total > closed.payload["budget_yuan"]:
            findings.append(
                Finding.about(
                    CHECK,
                    f"awarded {total} yuan, over the budget of {closed.payload['budget_yuan']}",
                    closed,
                    round_id=round_id,
                )
            )
        this_round: dict[str, int] = {}
        paid: list[tuple[str, str, int]] = []  # in this round: counted once it is checked
        for claim in round_.in_play(facts):
            decision = decisions.get(claim.application_id)
            if decision is None:
                continue
            key, code, amount = claim.achievement_key, claim.credit_code, decision.amount_yuan
            before_key = paid_by_key.get(key, 0)
            before_year = paid_by_enterprise_year.get((code, year), 0)
            in_round = this_round[code] = this_round.get(code, 0) + amount
            highest = highest_claim.get(key, 0)
            if claim.claimed_amount_yuan > highest:
                highest = highest_claim[key] = claim.claimed_amount_yuan
            # The rules, each stated once; put in words only when one is broken (rarely).
            relied_key = decision.prior_achievement_reward_yuan != before_key
            relied_year = decision.prior_enterprise_year_yuan != before_year
            over_highest = before_key + amount > highest
            over_cap = before_year + in_round > cap
            if relied_key or relied_year or over_highest or over_cap:
                standing = _Standing(
                    before_key, before_year, cap, relied_key, relied_year, over_highest, over_cap
                )
                findings += [
                    Finding(
                        CHECK,
                        problem,
                        decision.at,
                        decision.event_id,
                        claim.application_id,
                        round_id,
                    )
                    for problem in _problems(decision, standing)
                ]
            if amount:  # a refusal's is 0: counting it would change nothing
                paid.append((key, code, amount))
        for key, code, amount in paid:
            paid_by_key[key] = paid_by_key.get(key, 0) + amount
            paid_by_enterprise_year[code, year] = (
                paid_by_enterprise_year.get((code, year), 0) + amount
            )
    return findings


def _problems(decision: Decision, standing: _Standing) -> list[str]:
    problems = []
    if standing.relied_on_other_key_payments:
        problems.append(
            f"relied on {decision.prior_achievement_reward_yuan} yuan paid earlier "
            f"for the achievement; the history shows {standing.key_paid_before}"
        )
    if standing.relied_on_other_year_payments:
        problems.append(
            f"relied on {decision.prior_enterprise_year_yuan} yuan paid to the "
            f"enterprise earlier this year; the history shows {standing.year_paid_before}"
        )
    if standing.over_highest_claim:
        problems.append("the achievement has been paid more than its highest claimed level")
    if standing.over_cap:
        problems.append(f"the enterprise's awards this year pass the cap of {standing.cap} yuan")
    return problems
