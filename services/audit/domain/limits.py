"""The money rules, checked on what was paid: budgets, annual caps, one reward per
achievement at its highest level; and the earlier payments each decision relied on."""

from __future__ import annotations

from collections import defaultdict

from .findings import Finding
from .history import History
from .reproduction import claims_allocated, decisions_of

CHECK = "limits"


def check_limits(history: History) -> list[Finding]:
    findings: list[Finding] = []
    paid_by_key: dict[str, int] = defaultdict(int)
    paid_by_enterprise_year: dict[tuple[str, int], int] = defaultdict(int)
    highest_claim: dict[str, int] = defaultdict(int)
    allocated = {r: t for r in history.rounds if (t := history.allocated_at(r)) is not None}
    for round_id in sorted(allocated, key=allocated.__getitem__):
        closed = history.round_event(round_id, "RoundClosed")
        if closed is None:
            continue
        year, cap = closed.payload["year"], closed.payload["enterprise_cap_yuan"]
        decisions = decisions_of(history, round_id)
        in_play = claims_allocated(history, round_id)
        total = sum(
            d.payload.get("amount_yuan", 0)
            for d in decisions.values()
            if d.event_type == "ApplicationAwarded"
        )
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
        for claim, _ in in_play:
            decision = decisions.get(claim.application_id)
            if decision is None:
                continue
            where = {"application_id": claim.application_id, "round_id": round_id}
            recorded = decision.payload
            before_key = paid_by_key[claim.achievement_key]
            before_year = paid_by_enterprise_year[claim.credit_code, year]
            if recorded.get("prior_achievement_reward_yuan", 0) != before_key:
                findings.append(
                    Finding.about(
                        CHECK,
                        f"relied on {recorded.get('prior_achievement_reward_yuan')} "
                        f"yuan paid earlier for the achievement; the history "
                        f"shows {before_key}",
                        decision,
                        **where,
                    )
                )
            if recorded.get("prior_enterprise_year_yuan", 0) != before_year:
                findings.append(
                    Finding.about(
                        CHECK,
                        f"relied on {recorded.get('prior_enterprise_year_yuan')} "
                        f"yuan paid to the enterprise earlier this year; the "
                        f"history shows {before_year}",
                        decision,
                        **where,
                    )
                )
            amount = (
                recorded.get("amount_yuan", 0) if decision.event_type == "ApplicationAwarded" else 0
            )
            this_round[claim.credit_code] += amount
            highest_claim[claim.achievement_key] = max(
                highest_claim[claim.achievement_key], claim.claimed_amount_yuan
            )
            if before_key + amount > highest_claim[claim.achievement_key]:
                findings.append(
                    Finding.about(
                        CHECK,
                        "the achievement has been paid more than its highest claimed level",
                        decision,
                        **where,
                    )
                )
            if before_year + this_round[claim.credit_code] > cap:
                findings.append(
                    Finding.about(
                        CHECK,
                        f"the enterprise's awards this year pass the cap of {cap} yuan",
                        decision,
                        **where,
                    )
                )
        for claim, _ in in_play:
            decision = decisions.get(claim.application_id)
            if decision is not None and decision.event_type == "ApplicationAwarded":
                paid_by_key[claim.achievement_key] += decision.payload["amount_yuan"]
                paid_by_enterprise_year[claim.credit_code, year] += decision.payload["amount_yuan"]
    return findings
