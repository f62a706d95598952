"""The money rules, checked on what was paid: budgets, annual caps, one reward per
achievement at its highest level; and the earlier payments each decision relied on.
They span rounds and enterprises, so they run once every partition is read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, cast

from shared.policy import AchievementRules as RuleSet
from shared.policy import UnknownPolicy, policy_version
from shared.rules.achievements import enterprise_achievement
from shared.rules.claims import ClaimRecord

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
    # Per achievement, under each round's achievement rules: a decision is held to what
    # was paid for its achievement as its own round's rules key it (see
    # achievements.paid_by_achievement). With one rule set in the history, one table.
    paid_by_key: dict[RuleSet | None, dict[str, int]] = {}
    highest_claim: dict[RuleSet | None, dict[str, int]] = {}
    paid_by_enterprise_year: dict[tuple[str, int], int] = {}
    allocated: list[tuple[int, str]] = [
        (t, r) for r, round_ in rounds.items() if (t := round_.allocated_at) is not None
    ]
    rules_of = {round_id: _rules(rounds[round_id]) for _, round_id in allocated}
    in_use = set(rules_of.values())
    for _, round_id in sorted(allocated):
        round_ = rounds[round_id]
        closed = round_.closed
        if closed is None:
            continue
        rules = rules_of[round_id]
        by_key = paid_by_key.setdefault(rules, {})
        highest_of = highest_claim.setdefault(rules, {})
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
        paid: list[tuple[str, str, int, int, Any]] = []  # counted once the round is checked
        for claim in round_.in_play(facts):
            decision = decisions.get(claim.application_id)
            if decision is None:
                continue
            key, code, amount = claim.achievement_key, claim.credit_code, decision.amount_yuan
            before_key = by_key.get(key, 0)
            before_year = paid_by_enterprise_year.get((code, year), 0)
            in_round = this_round[code] = this_round.get(code, 0) + amount
            highest = highest_of.get(key, 0)
            if claim.claimed_amount_yuan > highest:
                highest = highest_of[key] = claim.claimed_amount_yuan
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
                filed = facts[claim.application_id].filed
                paid.append((key, code, amount, claim.claimed_amount_yuan, filed))
        for key, code, amount, claimed, filed in paid:
            for other in in_use:
                if other == rules:
                    by_key[key] = by_key.get(key, 0) + amount
                    continue
                # This round's payment as rounds under other rules key it. Only
                # paid claims raise the highest level there: the payments for a key never
                # pass the largest claim that was paid for it.
                again = _keyed(code, filed, other, key)
                table = paid_by_key.setdefault(other, {})
                table[again] = table.get(again, 0) + amount
                highest_there = highest_claim.setdefault(other, {})
                if claimed > highest_there.get(again, 0):
                    highest_there[again] = claimed
            paid_by_enterprise_year[code, year] = (
                paid_by_enterprise_year.get((code, year), 0) + amount
            )
    return findings


def _rules(round_: Round) -> RuleSet | None:
    """The achievement rules of the round's policy; None when that policy is unknown
    (reported by the reproduction): its recorded keys are then taken as they are."""
    closed = round_.closed
    if closed is None:
        return None
    try:
        return policy_version(str(closed.payload["policy_version"])).achievement_rules
    except (KeyError, UnknownPolicy, ValueError):
        return None


def _keyed(credit_code: Any, filed: Any, rules: RuleSet | None, recorded: str) -> str:
    """A paid claim's key under `rules`; its recorded key when its filing is unreadable."""
    if rules is None or not isinstance(filed, dict):
        return recorded
    try:
        return enterprise_achievement(str(credit_code), cast(ClaimRecord, filed), rules)
    except (KeyError, TypeError, AttributeError):
        return recorded


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
