"""Keeping the read side current, in the same transaction as the events that change it."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.achievements import achievement_key
from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    RoundClosed,
    RoundOpened,
)
from shared.contracts.publicity import (
    AwardFinalised,
    ObjectionDecided,
    ObjectionLodged,
    PublicityOpened,
    PublishedList,
    RoundFinalised,
)
from shared.contracts.scoring import (
    ApplicationAwarded,
    ApplicationNotAwarded,
    ApplicationScored,
    ProposedAwardWithdrawn,
    RoundAllocated,
)
from shared.envelope import Envelope
from shared.policy import policy_version

from ..domain.status import derive_status
from .tables import application, application_history, funding_round, objection, published_list

# The columns an application's events change, each bound by name in one UPDATE.
PARTS = (
    "credit_code",
    "enterprise_name",
    "industry",
    "category",
    "claim",
    "review",
    "outcome",
    "outcome_version",
    "final",
    "reason_code",
    "reason",
    "open_objections",
    "awaiting_reallocation",
    "lead_decision",
    "lead_key",
    "claimed_amount_yuan",
    "score",
    "awarded_amount_yuan",
    "status",
)
FOLD = (
    update(application)
    .where(application.c.id == bindparam("b_id"))
    .values(
        {name: bindparam(f"b_{name}", type_=application.c[name].type) for name in PARTS}
        | {
            "updated_at": func.greatest(
                application.c.updated_at, bindparam("b_at", type_=application.c.updated_at.type)
            )
        }
    )
)


async def project(session: AsyncSession, envelope: Envelope, event: Contract) -> None:
    """Apply one event, ours or another service's, to every projection it touches."""
    await project_many(session, [(envelope, event)])


async def project_many(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """Apply events in order: each run of application events folded in a few statements
    (their history, new rows, one read, one UPDATE of every row touched)."""
    for about_rounds, grouped in groupby(
        events, key=lambda pair: pair[1].aggregate_type == "round"
    ):
        run = list(grouped)
        if about_rounds:
            for envelope, event in run:
                await _round_event(session, envelope, event)
        else:
            await _fold_applications(session, run)


async def _fold_applications(session: AsyncSession, run: list[tuple[Envelope, Contract]]) -> None:
    await session.execute(insert(application_history), [_history(e) for e, _ in run])
    submitted = [_submitted(e, ev) for e, ev in run if isinstance(ev, ApplicationSubmitted)]
    if submitted:
        await session.execute(insert(application), submitted)
    ids = {envelope.aggregate_id for envelope, _ in run}
    # Locked, in one order: a request's own events and the consumer's fold of scoring's
    # (and a round's re-allocation) may change one row in two transactions at once.
    found = await session.execute(
        select(application.c.id, application.c.policy_version, *(application.c[n] for n in PARTS))
        .where(application.c.id.in_(ids))
        .order_by(application.c.id)
        .with_for_update()
    )
    rows: dict[str, dict[str, Any]] = {row["id"]: dict(row) for row in found.mappings()}
    latest: dict[str, Any] = {}
    for envelope, event in run:
        row = rows.get(envelope.aggregate_id)
        if row is None:  # a scoring event about an application not projected: nothing to fold
            continue
        _fold(row, envelope, event)
        row["status"] = derive_status(
            row["review"], row["score"] is not None, row["outcome"], row["final"]
        )
        at = latest.get(envelope.aggregate_id)
        latest[envelope.aggregate_id] = max(at or envelope.occurred_at, envelope.occurred_at)
        await _objection(session, envelope, event)
    if latest:
        await session.execute(
            FOLD,
            [
                {"b_id": id_, "b_at": at} | {f"b_{name}": rows[id_][name] for name in PARTS}
                for id_, at in latest.items()
            ],
        )


OUTCOMES = (ApplicationAwarded, ApplicationNotAwarded, ProposedAwardWithdrawn)


def _fold(row: dict[str, Any], envelope: Envelope, event: Contract) -> None:
    """One event's change to an application's row."""
    if isinstance(event, ApplicationAmended):
        row |= {
            "credit_code": event.enterprise.credit_code,
            "enterprise_name": event.enterprise.name,
            "industry": event.enterprise.industry,
            "category": event.claim.category,
            "claim": event.claim.model_dump(mode="json"),
            "review": "submitted",
        }
        row["lead_key"] = lead_key(row["claim"], row["policy_version"])
    elif isinstance(event, ApplicationReviewed):
        # Ineligible on a second review, after an upheld objection: the round is to be
        # allocated again without it.
        row["awaiting_reallocation"] = (
            event.decision == "ineligible" and row["review"] == "reopened"
        )
        row["review"] = event.decision
        row["lead_decision"] = event.lead_decision
        if event.decision == "ineligible":
            row |= {"reason_code": event.reason_code, "reason": event.note}
    elif isinstance(event, ApplicationWithdrawn):
        row["review"] = "withdrawn"
    elif isinstance(event, ObjectionLodged):
        row["open_objections"] += 1
    elif isinstance(event, ObjectionDecided):
        row["open_objections"] -= 1
        if event.decision == "upheld":
            row["review"] = "reopened"
    elif isinstance(event, AwardFinalised):
        row["final"] = True
    elif isinstance(event, ApplicationScored):
        row |= {"claimed_amount_yuan": event.claimed_amount_yuan, "score": event.score}
    elif isinstance(event, OUTCOMES) and envelope.aggregate_version > row["outcome_version"]:
        _outcome(row, event)
        row["outcome_version"] = envelope.aggregate_version


def _outcome(row: dict[str, Any], event: Contract) -> None:
    if isinstance(event, ApplicationAwarded):
        row |= {
            "outcome": "awarded",
            "awarded_amount_yuan": event.amount_yuan,
            "reason_code": None,
            "reason": None,
        }
    elif isinstance(event, ApplicationNotAwarded):
        row |= {
            "outcome": "not_awarded",
            "awarded_amount_yuan": None,
            "reason_code": event.reason_code,
            "reason": event.note,
        }
    elif isinstance(event, ProposedAwardWithdrawn):
        row |= {"outcome": "withdrawn", "awarded_amount_yuan": None}
        # The second review's own reason says why, whichever topic was read first.
        if row["review"] != "ineligible":
            row |= {
                "reason_code": "award_withdrawn",
                "reason": f"the proposed award of {event.withdrawn_yuan} yuan was withdrawn",
            }


async def _objection(session: AsyncSession, envelope: Envelope, event: Contract) -> None:
    if isinstance(event, ObjectionLodged):
        await session.execute(
            insert(objection).values(
                id=event.objection_id,
                application_id=event.application_id,
                round_id=event.round_id,
                objector=event.objector.model_dump(mode="json"),
                grounds=event.grounds,
                evidence=[e.model_dump(mode="json") for e in event.evidence],
                lodged_at=envelope.occurred_at,
            )
        )
    elif isinstance(event, ObjectionDecided):
        await session.execute(
            update(objection)
            .where(objection.c.id == event.objection_id)
            .values(
                decision=event.decision,
                reasons=event.reasons,
                decided_by=envelope.actor.id,
                decided_at=envelope.occurred_at,
            )
        )


async def _round_event(session: AsyncSession, envelope: Envelope, event: Contract) -> None:
    this_round = funding_round.c.id == getattr(event, "round_id", envelope.aggregate_id)
    if isinstance(event, RoundOpened):
        await _round_opened(session, envelope, event)
    elif isinstance(event, RoundClosed):
        await session.execute(
            update(funding_round).where(this_round).values(closed_at=event.closed_at)
        )
    elif isinstance(event, PublishedList):
        values: dict[str, Any] = {
            "list_revision": event.revision,
            "list_allocation": event.allocation,
        }
        if isinstance(event, PublicityOpened):
            values |= {
                "publicity_published_at": event.published_at,
                "publicity_ends_at": event.ends_at,
            }
        await session.execute(update(funding_round).where(this_round).values(**values))
        await session.execute(
            insert(published_list).values(
                round_id=event.round_id,
                revision=event.revision,
                event_id=envelope.event_id,
                published_at=envelope.occurred_at,
                body=event.model_dump(mode="json"),
            )
        )
    elif isinstance(event, RoundFinalised):
        await session.execute(
            update(funding_round).where(this_round).values(finalised_at=envelope.occurred_at)
        )
    elif isinstance(event, RoundAllocated) and event.excluded:
        await session.execute(
            update(application)
            .where(application.c.id.in_(event.excluded))
            .values(awaiting_reallocation=False)
        )


async def _round_opened(session: AsyncSession, envelope: Envelope, event: RoundOpened) -> None:
    await session.execute(
        insert(funding_round).values(
            id=event.round_id,
            name=event.name,
            year=event.year,
            opens_at=event.opens_at,
            closes_at=event.closes_at,
            period_start=event.period_start,
            period_end=event.period_end,
            budget_yuan=event.budget_yuan,
            enterprise_cap_yuan=event.enterprise_cap_yuan,
            policy_version=event.policy_version,
            publicity_days=event.publicity_days,
            publicity_day_kind=event.publicity_day_kind,
            created_at=envelope.occurred_at,
        )
    )


def _submitted(envelope: Envelope, event: ApplicationSubmitted) -> dict[str, Any]:
    return {
        "id": event.application_id,
        "round_id": event.round_id,
        "credit_code": event.enterprise.credit_code,
        "enterprise_name": event.enterprise.name,
        "industry": event.enterprise.industry,
        "category": event.claim.category,
        "claim": event.claim.model_dump(mode="json"),
        "policy_version": event.policy_version,
        "lead_key": lead_key(event.claim.model_dump(mode="json"), event.policy_version),
        "status": "submitted",
        "submitted_via": event.submitted_via,
        "submitted_at": envelope.occurred_at,
        "updated_at": envelope.occurred_at,
    }


def _history(envelope: Envelope) -> dict[str, Any]:
    return {
        "application_id": envelope.aggregate_id,
        "source": envelope.source,
        "aggregate_version": envelope.aggregate_version,
        "event_id": envelope.event_id,
        "event_type": envelope.event_type,
        "occurred_at": envelope.occurred_at,
        "actor_id": envelope.actor.id,
        "actor_role": envelope.actor.role,
        "payload": envelope.payload,
    }


def lead_key(claim: dict[str, Any], version: str | None) -> str | None:
    """The standard a claim to lead one is about, keyed by its round's policy rules."""
    if claim.get("category") != "standard" or claim.get("role") != "lead" or not version:
        return None
    return achievement_key(claim, policy_version(version).achievement_rules)
