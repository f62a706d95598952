"""Reacting to the applications topic: keep the claims current, score eligible ones,
and allocate a round once it is closed and every application in it is settled. And to
the register's: the copy the allocation holds enterprises to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, Table, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract, applications
from shared.contracts.applications import ApplicationReviewed, ApplicationWithdrawn, RoundClosed
from shared.contracts.scoring import ApplicationScored
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore, StreamHead
from shared.policy import policy_version
from shared.register_copy import CONSUMES as REGISTER_EVENTS
from shared.rules.pricing import assess

from .adapters.projection import PROJECTORS, project_many, project_reviewed_and_scored
from .adapters.tables import claim
from .round_allocation import allocate_if_due, reallocate

# What scoring acts on, of all the applications topic carries: what its projection keeps
# (the AsyncAPI document shows it as the subscriber's message).
CONSUMES = (
    *(kind for kind in PROJECTORS if kind in applications.PUBLISHED),
    *REGISTER_EVENTS,
)


@dataclass
class ScoringHandlers:
    store: EventStore
    actor: Actor
    # Rounds whose row is known to be there: allocation's check needs no insert for them.
    rounds_known: set[str] = field(default_factory=set)

    async def on_events(
        self, session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]
    ) -> None:
        """Apply applications events in order; score eligible reviews; allocate when due."""
        # An eligible claim is final (no amendment, no second review can follow), so
        # scoring after the whole batch is projected reads what scoring at once would.
        # The eligible reviews themselves are projected with their scores: each claim is
        # written once, not once for its review and again for its score.
        eligible = [
            (envelope, event)
            for envelope, event in events
            if isinstance(event, ApplicationReviewed) and event.decision == "eligible"
        ]
        held = {id(envelope) for envelope, _ in eligible}
        await project_many(session, [pair for pair in events if id(pair[0]) not in held])
        if eligible:
            await self.on_applications_found_eligible(session, eligible)
        await self.allocate_rounds_due(session, events)

    async def on_applications_found_eligible(
        self, session: AsyncSession, reviews: Sequence[tuple[Envelope, ApplicationReviewed]]
    ) -> None:
        """Score each claim found eligible, and project the reviews."""
        ids = [review.aggregate_id for review, _ in reviews]
        rows = await session.execute(_claims_with_heads(self.store.table, ids))
        # A second review that finds a scored claim eligible again (an upheld objection
        # that did not stand) leaves its score and award as they were.
        claims = {row["application_id"]: row for row in rows.mappings() if row["score"] is None}
        to_score: list[tuple[Envelope, ApplicationReviewed, ApplicationScored]] = []
        writes = []
        unscored: list[tuple[Envelope, Contract]] = []
        for review, event in reviews:
            row = claims.pop(review.aggregate_id, None)  # a claim is scored once a batch
            if row is None:
                unscored.append((review, event))
                continue
            # Priced as the reviewer decided it is paid (what AS_PARTICIPANT writes).
            filed = row["claim"]
            if event.lead_decision == "participant":
                filed = {**filed, "role": "participant"}
            scored = _score({**row, "claim": filed})
            to_score.append((review, event, scored))
            head = StreamHead(row["head_version"], row["head_hash"])
            cause = Cause.following(review, self.actor)
            writes.append((head if row["head_version"] else StreamHead(), [scored], cause))
        sealed = await self.store.append_each(session, writes)
        await project_reviewed_and_scored(
            session,
            [(r, e, s, scored) for (r, e, scored), [s] in zip(to_score, sealed, strict=True)],
        )
        await project_many(session, unscored)

    async def allocate_rounds_due(
        self, session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]
    ) -> None:
        """Allocate each round these events may have made due, once however many touched it."""
        # Only a settled claim or a closing can make a round due. Rounds in a fixed order,
        # so two transactions never wait on each other's round rows the other way round.
        last_trigger: dict[str, Envelope] = {}
        found_ineligible: dict[str, list[Envelope]] = defaultdict(list)
        for envelope, event in events:
            if isinstance(event, ApplicationReviewed | ApplicationWithdrawn | RoundClosed):
                last_trigger[event.round_id] = envelope
            if isinstance(event, ApplicationReviewed) and event.decision == "ineligible":
                found_ineligible[event.round_id].append(envelope)
        for round_id in sorted(last_trigger):
            trigger = last_trigger[round_id]
            await allocate_if_due(
                session, self.store, round_id, trigger, self.actor, self.rounds_known
            )
            # An ineligible second review (after an upheld objection) of a claim already
            # allocated: the round's money is allocated again without it.
            if found_ineligible[round_id]:
                ineligible = found_ineligible[round_id]
                await reallocate(
                    session, self.store, round_id, ineligible, self.actor, self.rounds_known
                )


def _claims_with_heads(event: Table, ids: Sequence[str]) -> Select[Any]:
    """The claims, each with the head of its stream in scoring's store (what its score is
    sealed after), in one query rather than two."""
    head = (
        select(event.c.aggregate_version, event.c.hash)
        .where(event.c.aggregate_id == claim.c.application_id)
        .order_by(event.c.aggregate_version.desc())
        .limit(1)
        .lateral()
    )
    version, hash_ = head.c.aggregate_version.label("head_version"), head.c.hash.label("head_hash")
    return (
        select(claim, version, hash_).outerjoin(head, true()).where(claim.c.application_id.in_(ids))
    )


def _score(row: Any) -> ApplicationScored:
    policy = policy_version(row["policy_version"])
    assessment = assess(
        row["claim"], row["credit_code"], row["industry"], policy, row["industry_code"]
    )
    return ApplicationScored(
        application_id=row["application_id"],
        round_id=row["round_id"],
        enterprise_credit_code=row["credit_code"],
        achievement_key=assessment.achievement_key,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        claimed_amount_yuan=assessment.claimed_amount_yuan,
        score=assessment.score,
        breakdown=assessment.breakdown,
    )
