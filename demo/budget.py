"""What each claim is worth under the policy, the round's budget, and the expected outcome."""

from __future__ import annotations

from typing import cast

from shared.policy import Policy
from shared.rules.allocation import Outcome, ScoredClaim, allocate
from shared.rules.claims import ClaimRecord
from shared.rules.pricing import assess

from .plan import Entry

SHARE = 0.6  # of the total claimed: the budget must leave some claims unfunded


def scored(entry: Entry, application_id: str, credit_code: str, policy: Policy) -> ScoredClaim:
    """The claim as the scoring service will price and score it."""
    firm = entry.firm
    claim = cast(ClaimRecord, entry.final_claim)
    found = assess(claim, credit_code, firm.industry, policy, firm.industry_code)
    return ScoredClaim(
        application_id, credit_code, found.achievement_key, found.claimed_amount_yuan, found.score
    )


def expected(claims: list[ScoredClaim], budget: int, policy: Policy) -> list[Outcome]:
    return allocate(claims, budget, policy.enterprise_cap_yuan, policy.allocation_mode)


def choose_budget(claims: list[ScoredClaim], total_claimed: int, policy: Policy) -> int:
    """About SHARE of the total claimed, moved to the nearest edge between two scores."""
    # At an edge, which of several equally scored claims ranks first (the order of their
    # ids, new each run) cannot decide who is funded. Round up to 10,000 yuan where that
    # funds no more.
    outcomes = expected(claims, sum(c.claimed_amount_yuan for c in claims), policy)
    scores = [c.score for c in sorted(claims, key=lambda c: (-c.score, c.application_id))]
    amounts = [o.awarded_yuan for o in outcomes]  # in rank order, as `scores`
    edges = [  # (what the claims above the edge take, the smallest claim below it)
        (sum(amounts[:i]), min(a for a in amounts[i:] if a))
        for i in range(1, len(amounts))
        if scores[i] != scores[i - 1] and any(amounts[i:])
    ]
    funded, next_claim = min(edges, key=lambda edge: abs(edge[0] - total_claimed * SHARE))
    rounded = -(-funded // 10_000) * 10_000
    return rounded if rounded - funded < next_claim else funded
