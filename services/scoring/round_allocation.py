"""Allocating a round once it is closed and every application in it is settled: the
scoring service's use of the rules `shared.rules.allocation` and (the register's, at
the decision) `shared.rules.register`, reading claims, earlier payments and its copy of
the register from its tables and writing the decisions as events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.scoring import (
    AllocationOutcome,
    ApplicationAwarded,
    ApplicationNotAwarded,
    ProposedAwardWithdrawn,
    RoundAllocated,
)
from shared.contracts.values import ChainHead
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore
from shared.policy import Policy, policy_version
from shared.program_bar import BEIJING
from shared.register_copy import enterprise_records, register_in_use
from shared.rules.achievements import paid_by_achievement
from shared.rules.allocation import Exclusion, Outcome, PriorRewards, ScoredClaim, allocate
from shared.rules.register import barred_at_decision

from .adapters.projection import SETTLED, ensure_round, project
from .adapters.tables import allocation_outcome, claim, register, scoring_round

# Rounds of one year share enterprise caps and all rounds share achievements, so two
# rounds are never allocated at the same moment: each sees what the other paid.
ALLOCATION_LOCK = 0x5153_4655  # "QSFU"


async def allocate_if_due(
    session: AsyncSession,
    store: EventStore,
    round_id: str,
    trigger: Envelope,
    actor: Actor,
    known: set[str] | None = None,
) -> None:
    """Allocate once: the round's row lock makes concurrent instances take turns, and the
    later one sees the earlier one's commit, so whoever settles the last claim allocates.
    `known`: rounds whose row this instance saw committed (kept across calls)."""
    round_ = await _locked_round(session, round_id, known)
    if round_["closed_at"] is None or round_["allocation"] > 0:
        return
    if not await _every_claim_settled(session, round_["application_versions"] or {}):
        return
    # Whatever event completed the round, the decisions answer to its closing.
    cause = Cause(actor, trigger.correlation_id, causation_id=round_["closed_event_id"])
    await _allocate(session, store, round_, cause, current={}, excluded=[])


async def reallocate(
    session: AsyncSession,
    store: EventStore,
    round_id: str,
    excluded: list[Envelope],
    actor: Actor,
    known: set[str] | None = None,
) -> None:
    """An allocated round allocated again after `excluded` (second reviews that found
    applications ineligible after upheld objections): only what changes is written, each
    change caused by the review that made it."""
    round_ = await _locked_round(session, round_id, known)
    if round_["allocation"] == 0:
        return  # not allocated yet: the first allocation will leave them out anyway
    rows = await session.execute(
        select(allocation_outcome).where(allocation_outcome.c.round_id == round_id)
    )
    current = {row["application_id"]: row for row in rows.mappings()}
    # A first review that found a claim ineligible changes nothing already allocated.
    decided = [review for review in excluded if review.aggregate_id in current]
    if not decided:
        return
    cause = Cause.following(decided[-1], actor)
    await _allocate(session, store, round_, cause, current, [e.aggregate_id for e in decided])


async def _locked_round(session: AsyncSession, round_id: str, known: set[str] | None) -> Any:
    """The round's row, locked; made first unless `known` says it is there. A row is never
    deleted, so `known` only grows: a round is added once an insert found it committed
    (and dropped again, should the row not be there after all)."""
    known = set() if known is None else known
    locked = select(scoring_round).where(scoring_round.c.round_id == round_id).with_for_update()
    if round_id in known:
        row = (await session.execute(locked)).mappings().first()
        if row is not None:
            return row
        known.discard(round_id)
    there_before = await ensure_round(session, round_id)
    row = (await session.execute(locked)).mappings().one()
    if there_before:
        known.add(round_id)
    return row


async def _allocate(
    session: AsyncSession,
    store: EventStore,
    round_: Any,
    cause: Cause,
    current: dict[str, Any],
    excluded: list[str],
) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ALLOCATION_LOCK})
    round_id, number = round_["round_id"], round_["allocation"] + 1
    rows = (await session.execute(select(claim).where(claim.c.round_id == round_id))).mappings()
    scored = [_scored(row) for row in rows if row["state"] == "scored"]
    policy = policy_version(round_["policy_version"])
    # One moment for the decision: the register is read as of it, and every event of the
    # allocation is stamped with it, so the auditor holds them to the same register.
    moment = store.clock()
    store = EventStore(store.source, store.table, lambda: moment)
    outcomes = allocate(
        scored,
        budget=round_["budget_yuan"],
        cap=round_["enterprise_cap_yuan"],
        mode=policy.allocation_mode,
        prior=await _prior_rewards(session, round_id, round_["year"], scored, policy),
        barred=await _barred(session, scored, moment),
    )
    decisions: list[tuple[str, Contract]] = [
        (application_id, _withdrawn(application_id, round_id, number, current, policy))
        for application_id in excluded
        if application_id in current and current[application_id]["awarded_yuan"] > 0
    ]
    decisions += [
        (outcome.application_id, _outcome_event(outcome, round_id, policy, number))
        for outcome in outcomes
        if _changed(outcome, current.get(outcome.application_id))
    ]
    ids = [application_id for application_id, _ in decisions]
    heads = await store.heads(session, ids)
    sealed = await store.append_each(
        session, [(heads[application_id], [d], cause) for application_id, d in decisions]
    )
    for [envelope], (_, decision) in zip(sealed, decisions, strict=True):
        await project(session, envelope, decision)
    in_round = [row.application_id for row in scored] + excluded + list(current)
    after = await store.heads(session, sorted(set(in_round)))
    summary = RoundAllocated(
        round_id=round_id,
        allocation=number,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        budget_yuan=round_["budget_yuan"],
        outcomes=[
            AllocationOutcome(
                application_id=o.application_id,
                amount_yuan=o.awarded_yuan,
                reason_code=o.reason_code,
            )
            for o in outcomes
        ],
        excluded=excluded,
        heads=[
            ChainHead(source=store.source, aggregate_id=a, version=h.version, hash=h.hash)
            for a, h in after.items()
            if h.version
        ],
    )
    [envelope] = await store.append(session, await store.head(session, round_id), [summary], cause)
    await project(session, envelope, summary)
    await session.execute(
        update(scoring_round)
        .where(scoring_round.c.round_id == round_id)
        .values(allocated_at=func.coalesce(scoring_round.c.allocated_at, round_["closed_at"]))
    )


async def _barred(
    session: AsyncSession, claims: Sequence[ScoredClaim], moment: datetime
) -> dict[str, Exclusion]:
    """The enterprises the register's rules bar at the decision (its day in Beijing),
    once the register is in use: a deployment without one allocates as before."""
    if not claims or not await register_in_use(session, register):
        return {}
    codes = {c.credit_code for c in claims}
    held = await enterprise_records(session, register, codes)
    decided_on = moment.astimezone(BEIJING).date()
    return barred_at_decision({code: held.get(code) for code in codes}, decided_on)


def _changed(outcome: Outcome, current: Any) -> bool:
    """Whether an outcome differs from what the application was last told (its rank too:
    the auditor reproduces each recorded rank)."""
    if current is None:
        return True
    return bool(
        outcome.awarded_yuan != current["awarded_yuan"]
        or outcome.reason_code != current["reason_code"]
        or outcome.rank != current["rank"]
    )


def _withdrawn(
    application_id: str, round_id: str, number: int, current: dict[str, Any], policy: Policy
) -> ProposedAwardWithdrawn:
    return ProposedAwardWithdrawn(
        application_id=application_id,
        round_id=round_id,
        allocation=number,
        withdrawn_yuan=current[application_id]["awarded_yuan"],
        policy_version=policy.version,
        policy_sha256=policy.sha256,
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


def _outcome_event(outcome: Outcome, round_id: str, policy: Policy, number: int) -> Contract:
    common: dict[str, Any] = {
        "allocation": number,
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
