"""Allocating a round once it is closed and every application in it is settled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.scoring import ApplicationAwarded, ApplicationNotAwarded
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore
from shared.policy import Policy, policy_version

from .adapters.projection import SETTLED, ensure_round, project
from .adapters.tables import allocation_outcome, claim, scoring_round
from .domain.achievements import paid_by_achievement
from .domain.allocation import Outcome, PriorRewards, ScoredClaim, allocate

# Rounds of one year share enterprise caps and all rounds share achievements, so two
# rounds are never allocated at the same moment: each sees what the other paid.
ALLOCATION_LOCK = 0x5153_4655  # "QSFU"


async def allocate_if_due(
    session: AsyncSession, store: EventStore, round_id: str, trigger: Envelope, actor: Actor
) -> None:
    """Allocate once: the round's row lock makes concurrent instances take turns, and the
    later one sees the earlier one's commit, so whoever settles the last claim allocates."""
    await ensure_round(session, round_id)
    locked = select(scoring_round).where(scoring_round.c.round_id == round_id).with_for_update()
    round_ = (await session.execute(locked)).mappings().one()
    if round_["closed_at"] is None or round_["allocated_at"] is not None:
        return
    if not await _every_claim_settled(session, round_["application_versions"] or {}):
        return
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ALLOCATION_LOCK})
    # Whatever event completed the round, the decisions answer to its closing.
    cause = Cause(actor, trigger.correlation_id, causation_id=round_["closed_event_id"])
    rows = (await session.execute(select(claim).where(claim.c.round_id == round_id))).mappings()
    scored = [_scored(row) for row in rows if row["state"] == "scored"]
    policy = policy_version(round_["policy_version"])
    outcomes = allocate(
        scored,
        budget=round_["budget_yuan"],
        cap=round_["enterprise_cap_yuan"],
        mode=policy.allocation_mode,
        prior=await _prior_rewards(session, round_id, round_["year"], scored, policy),
    )
    decisions = [_outcome_event(outcome, round_id, policy) for outcome in outcomes]
    heads = await store.heads(session, [outcome.application_id for outcome in outcomes])
    sealed = await store.append_each(
        session,
        [
            (heads[outcome.application_id], [d], cause)
            for outcome, d in zip(outcomes, decisions, strict=True)
        ],
    )
    for [envelope], decision in zip(sealed, decisions, strict=True):
        await project(session, envelope, decision)
    if not outcomes:  # nothing was in play: the round is settled as of its closing
        await session.execute(
            update(scoring_round)
            .where(scoring_round.c.round_id == round_id)
            .values(allocated_at=round_["closed_at"])
        )


async def _every_claim_settled(session: AsyncSession, versions: dict[str, int]) -> bool:
    """Known, settled, and seen at least as far as the round's closing saw it."""
    rows = await session.execute(
        select(claim.c.application_id, claim.c.state, claim.c.seen_version).where(
            claim.c.application_id.in_(list(versions))
        )
    )
    seen = {row.application_id: row for row in rows}
    return all(
        (row := seen.get(application_id)) is not None
        and row.state in SETTLED
        and row.seen_version >= version
        for application_id, version in versions.items()
    )


async def _prior_rewards(
    session: AsyncSession,
    round_id: str,
    year: int,
    claims: Sequence[ScoredClaim],
    policy: Policy,
) -> PriorRewards:
    earlier = allocation_outcome.c.round_id != round_id
    paid = func.sum(allocation_outcome.c.awarded_yuan)
    # An achievement key is an enterprise's, so its earlier payments are the enterprise's:
    # keyed again under this round's rules, whatever rules their own round had.
    payments = await session.execute(
        select(allocation_outcome.c.credit_code, claim.c.claim, allocation_outcome.c.awarded_yuan)
        .join(claim, claim.c.application_id == allocation_outcome.c.application_id)
        .where(
            earlier,
            allocation_outcome.c.awarded_yuan > 0,
            allocation_outcome.c.credit_code.in_({c.credit_code for c in claims}),
        )
    )
    by_achievement = paid_by_achievement(payments.tuples(), policy.achievement_rules)
    by_enterprise = await session.execute(
        select(allocation_outcome.c.credit_code, paid)
        .where(
            earlier,
            allocation_outcome.c.year == year,
            allocation_outcome.c.credit_code.in_({c.credit_code for c in claims}),
        )
        .group_by(allocation_outcome.c.credit_code)
    )
    return PriorRewards(
        by_achievement=by_achievement,
        by_enterprise_this_year={code: int(total) for code, total in by_enterprise.tuples()},
    )


def _scored(row: Any) -> ScoredClaim:
    return ScoredClaim(
        application_id=row["application_id"],
        credit_code=row["credit_code"],
        achievement_key=row["achievement_key"],
        claimed_amount_yuan=row["claimed_amount_yuan"],
        score=row["score"],
    )


def _outcome_event(outcome: Outcome, round_id: str, policy: Policy) -> Contract:
    common: dict[str, Any] = {
        "application_id": outcome.application_id,
        "round_id": round_id,
        "rank": outcome.rank,
        "policy_version": policy.version,
        "policy_sha256": policy.sha256,
        "prior_achievement_reward_yuan": outcome.prior_achievement_yuan,
        "prior_enterprise_year_yuan": outcome.prior_enterprise_year_yuan,
    }
    if outcome.reason_code is None:
        return ApplicationAwarded(
            **common,
            amount_yuan=outcome.awarded_yuan,
            claimed_amount_yuan=outcome.claimed_amount_yuan,
            allocation_mode=policy.allocation_mode,
            basis=outcome.basis,
        )
    return ApplicationNotAwarded(**common, reason_code=outcome.reason_code, note=outcome.basis)
