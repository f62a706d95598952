"""The scoring service's read side, driven by events alone: the applications service's,
the register's and its own. Live, it runs beside each decision; a rebuild runs it over
the log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import ARRAY, Boolean, bindparam, case, column, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    RoundClosed,
    RoundOpened,
)
from shared.contracts.scoring import (
    ApplicationAwarded,
    ApplicationNotAwarded,
    ApplicationScored,
    ProposedAwardWithdrawn,
    RoundAllocated,
)
from shared.db import as_arrays, insert_unnested
from shared.envelope import Envelope
from shared.register_copy import record_register

from .tables import allocation_outcome, claim, register, scoring_round

# A claim's state: submitted, returned, eligible (awaiting its score), ineligible,
# withdrawn, scored. The last three are settled: allocation can count on them.
SETTLED = frozenset({"scored", "ineligible", "withdrawn"})


async def project(session: AsyncSession, envelope: Envelope, event: Contract) -> None:
    """One event into the tables; an event scoring does not keep passes by."""
    projector = PROJECTORS.get(type(event))
    if projector is not None:
        await projector(session, envelope, event)


async def _on_submitted(
    session: AsyncSession, envelope: Envelope, event: ApplicationSubmitted
) -> None:
    await session.execute(insert(claim), [_submitted(envelope, event)])


async def _on_amended(session: AsyncSession, envelope: Envelope, event: ApplicationAmended) -> None:
    await _claim(session, envelope, **_filing(event))


async def _on_settled(
    session: AsyncSession, envelope: Envelope, event: ApplicationReviewed | ApplicationWithdrawn
) -> None:
    await session.execute(CLAIM_STATE, [_state(envelope, event)])
    await _paid_as_participant(session, [event])


async def _on_round_opened(session: AsyncSession, _: Envelope, event: RoundOpened) -> None:
    await ensure_round(session, event.round_id)


async def _on_round_closed(session: AsyncSession, envelope: Envelope, event: RoundClosed) -> None:
    await ensure_round(session, event.round_id)
    await _round_closed(session, envelope, event)


async def _on_scored(session: AsyncSession, envelope: Envelope, event: ApplicationScored) -> None:
    await session.execute(CLAIM_SCORED, [_scored(envelope, event)])


async def _on_award_withdrawn(
    session: AsyncSession, _: Envelope, event: ProposedAwardWithdrawn
) -> None:
    await session.execute(
        update(allocation_outcome)
        .where(allocation_outcome.c.application_id == event.application_id)
        .values(awarded_yuan=0, reason_code="award_withdrawn", allocation=event.allocation)
    )


async def _on_round_allocated(session: AsyncSession, _: Envelope, event: RoundAllocated) -> None:
    await ensure_round(session, event.round_id)
    await session.execute(
        update(scoring_round)
        .where(scoring_round.c.round_id == event.round_id)
        .values(allocation=func.greatest(scoring_round.c.allocation, event.allocation))
    )


async def project_many(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """What `project` does to each event in turn, with each run of submissions, reviews,
    withdrawals or scores in one statement: a burst costs a few round trips, not one an
    event. The register's loads are copied whole: allocation holds enterprises to them."""
    for of_claims, grouped in groupby(events, key=lambda pair: type(pair[1]) in CLAIM_EVENTS):
        stretch = list(grouped)
        if not of_claims:
            await _project_runs(session, stretch)
            continue
        # Events of different claims touch different rows: a stretch of them is applied
        # in waves (each claim's first event, then each one's second...), each wave's
        # events grouped by kind, so alternating submissions and reviews of many claims
        # cost two statements, not one each, and each claim's events keep their order.
        for wave in _waves(stretch):
            await _project_runs(session, sorted(wave, key=lambda pair: KIND_ORDER[type(pair[1])]))


async def _project_runs(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    for kind, grouped in groupby(events, key=lambda pair: type(pair[1])):
        run = list(grouped)
        if kind.aggregate_type == "register-load":
            await record_register(session, register, run)
        elif kind is ApplicationSubmitted:
            rows = [_submitted(e, ev) for e, ev in run if isinstance(ev, ApplicationSubmitted)]
            await session.execute(CLAIMS_SUBMITTED, as_arrays(SUBMITTED_COLUMNS, rows))
        elif kind in (ApplicationReviewed, ApplicationWithdrawn):
            states = [
                _state(e, ev)
                for e, ev in run
                if isinstance(ev, ApplicationReviewed | ApplicationWithdrawn)
            ]
            await session.execute(CLAIM_STATE, states)
            await _paid_as_participant(session, [ev for _, ev in run])
        elif kind is ApplicationScored:
            scores = [_scored(e, ev) for e, ev in run if isinstance(ev, ApplicationScored)]
            await session.execute(CLAIM_SCORED, scores)
        else:
            for envelope, event in run:
                await project(session, envelope, event)


# The events that change one claim's row and nothing else; sorted so a wave's kinds
# come out in runs (any order would do: a wave holds one event of each claim).
CLAIM_EVENTS: tuple[type[Contract], ...] = (
    ApplicationSubmitted,
    ApplicationReviewed,
    ApplicationWithdrawn,
    ApplicationScored,
)
KIND_ORDER = {kind: n for n, kind in enumerate(CLAIM_EVENTS)}


def _waves(
    events: Sequence[tuple[Envelope, Contract]],
) -> list[list[tuple[Envelope, Contract]]]:
    """The n-th wave holds each claim's n-th event of `events`."""
    waves: list[list[tuple[Envelope, Contract]]] = []
    seen: dict[str, int] = {}
    for pair in events:
        application_id = getattr(pair[1], "application_id")  # noqa: B009
        n = seen.get(application_id, 0)
        seen[application_id] = n + 1
        if n == len(waves):
            waves.append([])
        waves[n].append(pair)
    return waves


SUBMITTED_COLUMNS = (
    "application_id",
    "round_id",
    "policy_version",
    "credit_code",
    "industry",
    "industry_code",
    "claim",
    "state",
    "seen_version",
    "updated_at",
)
# A run of submissions in one execution (an executemany was one a claim).
CLAIMS_SUBMITTED = insert_unnested(claim, SUBMITTED_COLUMNS)


def _submitted(envelope: Envelope, event: ApplicationSubmitted) -> dict[str, Any]:
    return {
        "application_id": event.application_id,
        "round_id": event.round_id,
        "policy_version": event.policy_version,
        **_filing(event),
        "seen_version": envelope.aggregate_version,
        "updated_at": envelope.occurred_at,
    }


# A claim's time is that of the latest event about it, whatever order they came in.
LATEST_AT = func.greatest(claim.c.updated_at, bindparam("b_at", type_=claim.c.updated_at.type))

_STATE = bindparam("b_state", type_=claim.c.state.type)

# Later application events win, whatever order two topics were replayed in.
CLAIM_STATE = (
    update(claim)
    .where(
        claim.c.application_id == bindparam("b_application_id"),
        claim.c.seen_version < bindparam("b_version"),
    )
    .values(
        # A scored claim found eligible again on a second review keeps its score.
        state=case(
            (
                (claim.c.state == "scored") & (_STATE == "eligible"),
                "scored",
            ),
            else_=_STATE,
        ),
        seen_version=bindparam("b_version"),
        updated_at=LATEST_AT,
    )
)


def _state(envelope: Envelope, event: ApplicationReviewed | ApplicationWithdrawn) -> dict[str, Any]:
    return {
        "b_application_id": envelope.aggregate_id,
        "b_version": envelope.aggregate_version,
        "b_state": event.decision if isinstance(event, ApplicationReviewed) else "withdrawn",
        "b_at": envelope.occurred_at,
    }


async def ensure_round(session: AsyncSession, round_id: str) -> bool:
    """Make the round's row if it is not there; whether it was: committed (an insert that
    meets another transaction's uncommitted row waits for its end) or made earlier in this
    transaction."""
    made = await session.execute(
        insert(scoring_round)
        .values(round_id=round_id)
        .on_conflict_do_nothing()
        .returning(scoring_round.c.round_id)
    )
    return made.first() is None


def _filing(event: ApplicationSubmitted | ApplicationAmended) -> dict[str, Any]:
    return {
        "credit_code": event.enterprise.credit_code,
        "industry": event.enterprise.industry,
        "industry_code": event.enterprise.industry_code,
        # Without nulls: a claim filed before a field was added (a title's conferred_on)
        # projects as it did then, so a rebuild equals the rows projected back then.
        "claim": event.claim.model_dump(mode="json", exclude_none=True),
        "state": "submitted",
    }


async def _claim(session: AsyncSession, envelope: Envelope, **values: Any) -> None:
    """Later application events win, as in CLAIM_STATE."""
    await session.execute(
        update(claim)
        .where(
            claim.c.application_id == envelope.aggregate_id,
            claim.c.seen_version < envelope.aggregate_version,
        )
        .values(
            **values,
            seen_version=envelope.aggregate_version,
            updated_at=func.greatest(claim.c.updated_at, envelope.occurred_at),
        )
    )


async def _round_closed(session: AsyncSession, envelope: Envelope, event: RoundClosed) -> None:
    await session.execute(
        update(scoring_round)
        .where(scoring_round.c.round_id == event.round_id)
        .values(
            year=event.year,
            closed_at=event.closed_at,
            budget_yuan=event.budget_yuan,
            enterprise_cap_yuan=event.enterprise_cap_yuan,
            policy_version=event.policy_version,
            application_ids=event.application_ids,
            application_versions=event.application_versions,
            closed_event_id=envelope.event_id,
        )
    )


# A withdrawal may overtake the score on its way here: the claim stays withdrawn.
CLAIM_SCORED = (
    update(claim)
    .where(claim.c.application_id == bindparam("b_application_id"))
    .values(
        state=case((claim.c.state == "withdrawn", "withdrawn"), else_="scored"),
        achievement_key=bindparam("b_achievement_key"),
        claimed_amount_yuan=bindparam("b_claimed_amount_yuan"),
        score=bindparam("b_score"),
        updated_at=LATEST_AT,
    )
)


def _scored(envelope: Envelope, event: ApplicationScored) -> dict[str, Any]:
    return {
        "b_application_id": event.application_id,
        "b_achievement_key": event.achievement_key,
        "b_claimed_amount_yuan": event.claimed_amount_yuan,
        "b_score": event.score,
        "b_at": envelope.occurred_at,
    }


_SCORING_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("application_id", claim.c.application_id.type),
    ("version", claim.c.seen_version.type),
    ("participant", Boolean()),
    ("achievement_key", claim.c.achievement_key.type),
    ("claimed_amount_yuan", claim.c.claimed_amount_yuan.type),
    ("score", claim.c.score.type),
    ("reviewed_at", claim.c.updated_at.type),
    ("at", claim.c.updated_at.type),
)
# What CLAIM_STATE for an eligible review, AS_PARTICIPANT, then CLAIM_SCORED for its
# score leave, in one UPDATE (every right-hand side reads the row as it was): live scoring
# writes each claim it scores once; a rebuild replays the events through the three.
# One row a claim, each column one array parameter unnested by PostgreSQL: a batch's
# claims in one execution (an executemany was one a claim).
_SCORINGS = func.unnest(
    *(bindparam(f"b_{name}", type_=ARRAY(kind)) for name, kind in _SCORING_COLUMNS)
).table_valued(*(column(name, kind) for name, kind in _SCORING_COLUMNS))
_SCORING = _SCORINGS.render_derived(name="scoring")
_REVIEW_IS_NEWER = claim.c.seen_version < _SCORING.c.version
CLAIM_REVIEWED_AND_SCORED = (
    update(claim)
    .where(claim.c.application_id == _SCORING.c.application_id)
    .values(
        # CLAIM_STATE leaves scored or eligible where the review is newer, the state as it
        # was where not; CLAIM_SCORED then keeps only a withdrawal.
        state=case(
            ((~_REVIEW_IS_NEWER) & (claim.c.state == "withdrawn"), "withdrawn"), else_="scored"
        ),
        seen_version=func.greatest(claim.c.seen_version, _SCORING.c.version),
        claim=case(
            (
                _SCORING.c.participant,
                func.jsonb_set(
                    claim.c.claim, literal_column("'{role}'"), literal_column("'\"participant\"'")
                ),
            ),
            else_=claim.c.claim,
        ),
        achievement_key=_SCORING.c.achievement_key,
        claimed_amount_yuan=_SCORING.c.claimed_amount_yuan,
        score=_SCORING.c.score,
        # PostgreSQL's greatest() passes over the NULL of a review that changed nothing.
        updated_at=func.greatest(
            claim.c.updated_at,
            case((_REVIEW_IS_NEWER, _SCORING.c.reviewed_at)),
            _SCORING.c.at,
        ),
    )
)


async def project_reviewed_and_scored(
    session: AsyncSession,
    scorings: Sequence[tuple[Envelope, ApplicationReviewed, Envelope, ApplicationScored]],
) -> None:
    """Eligible reviews (envelope, event), each with the score sealed for it (the same)."""
    rows = [
        {
            **_scored(sealed, scored),
            "b_version": review.aggregate_version,
            "b_participant": event.lead_decision == "participant",
            "b_reviewed_at": review.occurred_at,
        }
        for review, event, sealed, scored in scorings
    ]
    if rows:
        await session.execute(
            CLAIM_REVIEWED_AND_SCORED,
            {f"b_{name}": [row[f"b_{name}"] for row in rows] for name, _ in _SCORING_COLUMNS},
        )


async def _decided(
    session: AsyncSession, envelope: Envelope, event: ApplicationAwarded | ApplicationNotAwarded
) -> None:
    row = (
        await session.execute(
            select(
                claim.c.credit_code,
                claim.c.achievement_key,
                claim.c.claimed_amount_yuan,
                scoring_round.c.year,
            )
            .join(scoring_round, scoring_round.c.round_id == claim.c.round_id)
            .where(claim.c.application_id == event.application_id)
        )
    ).one()
    awarded = event.amount_yuan if isinstance(event, ApplicationAwarded) else 0
    decided = {
        "rank": event.rank,
        "awarded_yuan": awarded,
        "reason_code": None if isinstance(event, ApplicationAwarded) else event.reason_code,
        "allocation": event.allocation,
    }
    statement = insert(allocation_outcome).values(
        application_id=event.application_id,
        round_id=event.round_id,
        year=row.year,
        credit_code=row.credit_code,
        achievement_key=row.achievement_key,
        claimed_amount_yuan=row.claimed_amount_yuan,
        **decided,
    )
    # A later allocation of the round (after an upheld objection) replaces an earlier
    # outcome; a redelivered earlier one does not undo a later.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[allocation_outcome.c.application_id],
            set_=decided,
            where=allocation_outcome.c.allocation <= event.allocation,
        )
    )
    await session.execute(
        update(scoring_round)
        .where(scoring_round.c.round_id == event.round_id)
        .values(
            allocated_at=func.least(
                func.coalesce(scoring_round.c.allocated_at, envelope.occurred_at),
                envelope.occurred_at,
            )
        )
    )


# The reviewer decided that a second claim to lead one standard is paid as a participant:
# the claim is priced so, as the auditor prices it again from the filing and the review.
AS_PARTICIPANT = (
    update(claim)
    .where(claim.c.application_id == bindparam("b_application_id"))
    .values(
        claim=func.jsonb_set(
            claim.c.claim, literal_column("'{role}'"), literal_column("'\"participant\"'")
        )
    )
)


async def _paid_as_participant(session: AsyncSession, events: Sequence[Contract]) -> None:
    decided = [
        {"b_application_id": event.application_id}
        for event in events
        if isinstance(event, ApplicationReviewed) and event.lead_decision == "participant"
    ]
    if decided:
        await session.execute(AS_PARTICIPANT, decided)


Projector = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]
# The applications service's events scoring keeps, and its own decisions.
PROJECTORS: dict[type[Contract], Projector] = {
    ApplicationSubmitted: _on_submitted,
    ApplicationAmended: _on_amended,
    ApplicationReviewed: _on_settled,
    ApplicationWithdrawn: _on_settled,
    RoundOpened: _on_round_opened,
    RoundClosed: _on_round_closed,
    ApplicationScored: _on_scored,
    ApplicationAwarded: _decided,
    ApplicationNotAwarded: _decided,
    ProposedAwardWithdrawn: _on_award_withdrawn,
    RoundAllocated: _on_round_allocated,
}
