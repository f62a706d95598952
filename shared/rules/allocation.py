"""Allocating a closed round: enterprises the program's rules bar at the decision get
nothing; then highest level only, the enterprise's annual cap, and the budget by the
policy's mode. Exact integer yuan; the result depends only on the
claims and what earlier rounds paid, never on the order the scores arrived in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Mode = Literal["rank", "pro_rata"]
Reason = Literal[
    "budget_exhausted",
    "enterprise_cap_reached",
    "already_rewarded",
    # The register's rules at the decision (shared/rules/register.py).
    "not_registered_in_district",
    "on_dishonesty_list",
]


class ScoredClaim(NamedTuple):
    application_id: str
    credit_code: str
    achievement_key: str
    claimed_amount_yuan: int
    score: int


@dataclass(frozen=True)
class PriorRewards:
    """What earlier rounds paid: per achievement ever, per enterprise in the round's year."""

    by_achievement: Mapping[str, int] = field(default_factory=dict)
    by_enterprise_this_year: Mapping[str, int] = field(default_factory=dict)


class Exclusion(NamedTuple):
    """Why an enterprise may not be rewarded at all at this decision, whatever the money."""

    reason: Reason
    basis: str


class Outcome(NamedTuple):
    application_id: str
    rank: int
    claimed_amount_yuan: int
    awarded_yuan: int
    reason_code: Reason | None
    basis: str
    prior_achievement_yuan: int
    prior_enterprise_year_yuan: int


def ranked(claims: Iterable[ScoredClaim]) -> list[ScoredClaim]:
    """Best score first; ties broken by application id so every instance agrees."""
    return sorted(claims, key=lambda c: (-c.score, c.application_id))


def allocate(
    claims: Iterable[ScoredClaim],
    budget: int,
    cap: int,
    mode: Mode,
    prior: PriorRewards | None = None,
    barred: Mapping[str, Exclusion] | None = None,
) -> list[Outcome]:
    """`barred`: enterprises (by credit code) not rewarded, and why. Their claims keep
    their rank but take no money, cap or achievement from the others."""
    prior = prior or PriorRewards()
    barred = barred or {}
    order = ranked(claims)
    payable, superseded = _highest_level_only(
        [c for c in order if c.credit_code not in barred], prior
    )
    payable.update({c.application_id: 0 for c in order if c.credit_code in barred})
    capped = _apply_cap(order, payable, cap, prior)
    fund = _by_rank if mode == "rank" else _pro_rata
    granted = fund([capped[c.application_id] for c in order], budget)
    outcomes = []
    reason: Reason | None
    for rank, (claim, amount) in enumerate(zip(order, granted, strict=True), 1):
        application_id = claim.application_id
        before = prior.by_achievement.get(claim.achievement_key, 0)
        exclusion = barred.get(claim.credit_code)
        if exclusion is not None:
            reason, basis = exclusion
        elif payable[application_id] == 0:
            reason = "already_rewarded"
            basis = superseded.get(application_id) or (
                f"{before} yuan already paid for this achievement, as much as this claim"
            )
        elif capped[application_id] == 0:
            reason, basis = "enterprise_cap_reached", f"enterprise cap of {cap} yuan a year used"
        elif amount == 0:
            reason, basis = (
                "budget_exhausted",
                f"budget of {budget} yuan ran out before rank {rank}",
            )
        else:
            reason = None
            basis = _basis(mode, claim, payable[application_id], capped, amount, rank)
        outcomes.append(
            Outcome(
                application_id,
                rank,
                claim.claimed_amount_yuan,
                amount,
                reason,
                basis,
                before,
                prior.by_enterprise_this_year.get(claim.credit_code, 0),
            )
        )
    return outcomes


def _highest_level_only(
    order: list[ScoredClaim], prior: PriorRewards
) -> tuple[dict[str, int], dict[str, str]]:
    """One achievement is paid once, at its highest level: in this round only its largest
    claim counts (ties to the better rank), and only for what earlier rounds did not pay."""
    best: dict[str, ScoredClaim] = {}
    for claim in order:
        held = best.get(claim.achievement_key)
        if held is None or claim.claimed_amount_yuan > held.claimed_amount_yuan:
            best[claim.achievement_key] = claim
    payable, superseded = {}, {}
    for claim in order:
        winner = best[claim.achievement_key]
        if winner is not claim:
            payable[claim.application_id] = 0
            superseded[claim.application_id] = (
                f"the same achievement is claimed at a higher or equal level by "
                f"application {winner.application_id} in this round"
            )
            continue
        already = prior.by_achievement.get(claim.achievement_key, 0)
        payable[claim.application_id] = max(0, claim.claimed_amount_yuan - already)
    return payable, superseded


def _apply_cap(
    order: list[ScoredClaim], payable: dict[str, int], cap: int, prior: PriorRewards
) -> dict[str, int]:
    used: dict[str, int] = defaultdict(int, prior.by_enterprise_this_year)
    capped = {}
    for claim in order:
        amount = max(0, min(payable[claim.application_id], cap - used[claim.credit_code]))
        used[claim.credit_code] += amount
        capped[claim.application_id] = amount
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


def _basis(
    mode: Mode, claim: ScoredClaim, payable: int, capped: dict[str, int], amount: int, rank: int
) -> str:
    notes = []
    if payable < claim.claimed_amount_yuan:
        notes.append(
            f"{claim.claimed_amount_yuan - payable} yuan paid earlier for this achievement"
        )
    if capped[claim.application_id] < payable:
        notes.append(f"capped from {payable} by the enterprise's annual cap")
    suffix = f" ({'; '.join(notes)})" if notes else ""
    if mode == "rank":
        return f"rank {rank} by score {claim.score}: {amount} yuan in full{suffix}"
    return f"pro rata: {amount} of {capped[claim.application_id]} yuan{suffix}"
