"""The money rules, checked on what was paid: budgets, annual caps, one reward per
achievement at its highest level; and the earlier payments each decision relied on.
They span rounds and enterprises, so they run once every partition is read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from .facts import ApplicationFacts
from .findings import Finding
from .rounds import Round

CHECK = "limits"


def check_limits(
    rounds: Mapping[str, Round], facts: Mapping[str, ApplicationFacts]
) -> list[Finding]:
    findings: list[Finding] = []
    paid_by_key: dict[str, int] = defaultdict(int)
    paid_by_enterprise_year: dict[tuple[str, int], int] = defaultdict(int)
    highest_claim: dict[str, int] = defaultdict(int)
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
        in_play = round_.in_play(facts)
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
        this_round: dict[str, int] = defaultdict(int)
        for claim in in_play:
            decision = decisions.get(claim.application_id)
            if decision is None:
                continue
            key, code, amount = claim.achievement_key, claim.credit_code, decision.amount_yuan
            before_key = paid_by_key[key]
            before_year = paid_by_enterprise_year[code, year]
            this_round[code] += amount
            highest = highest_claim[key] = max(highest_claim[key], claim.claimed_amount_yuan)
            problems = []
            if decision.prior_achievement_reward_yuan != before_key:
                problems.append(
                    f"relied on {decision.prior_achievement_reward_yuan} yuan paid earlier "
                    f"for the achievement; the history shows {before_key}"
                )
            if decision.prior_enterprise_year_yuan != before_year:
                problems.append(
                    f"relied on {decision.prior_enterprise_year_yuan} yuan paid to the "
                    f"enterprise earlier this year; the history shows {before_year}"
                )
            if before_key + amount > highest:
                problems.append("the achievement has been paid more than its highest claimed level")
            if before_year + this_round[code] > cap:
                problems.append(f"the enterprise's awards this year pass the cap of {cap} yuan")
            findings += [
                Finding(
                    CHECK, problem, decision.at, decision.event_id, claim.application_id, round_id
                )
                for problem in problems
            ]
        for claim in in_play:
            decision = decisions.get(claim.application_id)
            if decision is not None and decision.awarded:
                paid_by_key[claim.achievement_key] += decision.amount_yuan
                paid_by_enterprise_year[claim.credit_code, year] += decision.amount_yuan
    return findings
