"""Allocating a closed round: the enterprise cap first, then the budget by the policy's
mode. Exact integer yuan; the result depends only on the claims, not their arrival."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Mode = Literal["rank", "pro_rata"]


@dataclass(frozen=True)
class ScoredClaim:
    application_id: str
    credit_code: str
    claimed_amount_yuan: int
    score: int


@dataclass(frozen=True)
class Outcome:
    application_id: str
    rank: int
    claimed_amount_yuan: int
    awarded_yuan: int
    reason_code: Literal["budget_exhausted", "enterprise_cap_reached"] | None
    basis: str


def ranked(claims: Iterable[ScoredClaim]) -> list[ScoredClaim]:
    """Best score first; ties broken by application id so every instance agrees."""
    return sorted(claims, key=lambda c: (-c.score, c.application_id))


def allocate(claims: Iterable[ScoredClaim], budget: int, cap: int, mode: Mode) -> list[Outcome]:
    order = ranked(claims)
    capped = _apply_cap(order, cap)
    fund = _by_rank if mode == "rank" else _pro_rata
    granted = fund([amount for _, amount in capped], budget)
    outcomes = []
    reason: Literal["budget_exhausted", "enterprise_cap_reached"] | None
    for rank, ((claim, cap_amount), amount) in enumerate(zip(capped, granted, strict=True), 1):
        if cap_amount == 0:
            reason, basis = "enterprise_cap_reached", f"enterprise cap of {cap} yuan already used"
        elif amount == 0:
            reason, basis = (
                "budget_exhausted",
                f"budget of {budget} yuan ran out before rank {rank}",
            )
        else:
            reason, basis = None, _basis(mode, claim, cap_amount, amount, rank)
        outcomes.append(
            Outcome(claim.application_id, rank, claim.claimed_amount_yuan, amount, reason, basis)
        )
    return outcomes


def _apply_cap(order: list[ScoredClaim], cap: int) -> list[tuple[ScoredClaim, int]]:
    used: dict[str, int] = defaultdict(int)
    capped = []
    for claim in order:
        amount = min(claim.claimed_amount_yuan, cap - used[claim.credit_code])
        used[claim.credit_code] += amount
        capped.append((claim, amount))
    return capped


def _by_rank(amounts: list[int], budget: int) -> list[int]:
    """Fund each claim in full from the top; the first that does not fit, and every one
    after it, gets nothing. What is left of the budget stays unspent."""
    granted, left, exhausted = [], budget, False
    for amount in amounts:
        exhausted = exhausted or amount > left
        granted.append(0 if exhausted else amount)
        left -= 0 if exhausted else amount
    return granted


def _pro_rata(amounts: list[int], budget: int) -> list[int]:
    """Everyone gets the same share of their claim, rounded down to the yuan; the yuan
    left over go one each to the largest remainders, ties in rank order."""
    total = sum(amounts)
    if total <= budget:
        return list(amounts)
    shares = [divmod(amount * budget, total) for amount in amounts]
    granted = [whole for whole, _ in shares]
    leftover = budget - sum(granted)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-shares[i][1], i))
    for i in by_remainder[:leftover]:
        granted[i] += 1
    return granted


def _basis(mode: Mode, claim: ScoredClaim, capped: int, amount: int, rank: int) -> str:
    cap_note = (
        f", capped from {claim.claimed_amount_yuan}" if capped < claim.claimed_amount_yuan else ""
    )
    if mode == "rank":
        return f"rank {rank} by score {claim.score}: funded in full ({amount} yuan{cap_note})"
    return f"pro rata: {amount} of {capped} yuan{cap_note}"
