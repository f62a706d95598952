"""Keeping the read side current, in the same transaction as the events that change it."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import ARRAY, any_, bindparam, func, insert, select, update
from sqlalchemy.engine import Dialect

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationSubmitted,
)
from shared.contracts.payments import AwardRevoked
from shared.contracts.publicity import (
    ObjectionDecided,
    ObjectionLodged,
)
from shared.envelope import Envelope
from shared.eventstore import EVENT_COLUMNS, Connectable, event_row
from shared.register_copy import record_register
from shared.rules.claims import claim_record
from shared.rules.status import derive_status

from .application_row import fold, lead_key
from .driver import Compiled, Driver
from .proposal_projection import project_proposals, record_list_entries
from .recordset import json_rows, recordset
from .revocations import record_revocations
from .round_projection import project_round_event
from .tables import application, application_history, backbone, objection, register

# The columns an application's events change, each set from the row of that id.
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
_HISTORY = recordset("history", list(application_history.columns))
# The history of a run of events, written as part of the run's first statement (a WITH
# of it): the history costs no statement of its own.
HISTORY = (
    insert(application_history)
    .from_select([c.name for c in application_history.columns], select(_HISTORY))
    .cte("written_history")
)
SUBMITTED_COLUMNS = (
    "id",
    "round_id",
    "credit_code",
    "enterprise_name",
    "industry",
    "category",
    "claim",
    "policy_version",
    "lead_key",
    "status",
    "submitted_via",
    "proposal_id",
    "submitted_at",
    "updated_at",
)
_NEW = recordset("submitted", [application.c[name] for name in SUBMITTED_COLUMNS])
SUBMIT = insert(application).from_select(SUBMITTED_COLUMNS, select(_NEW)).add_cte(HISTORY)
# Our own events, when they are written with the rows they change (write_applications):
# another WITH of that first statement, so the event costs no statement of its own either.
_EVENTS = recordset("events", [backbone.event.c[name] for name in EVENT_COLUMNS])
EVENTS = insert(backbone.event).from_select(EVENT_COLUMNS, select(_EVENTS)).cte("written_events")
_LOCK = (
    select(application.c.id, application.c.policy_version, *(application.c[n] for n in PARTS))
    .where(application.c.id == any_(bindparam("ids", type_=ARRAY(application.c.id.type))))
    .order_by(application.c.id)
    .with_for_update()
)
LOCK_WITH_HISTORY = _LOCK.add_cte(HISTORY)
# The first statement of a run, by what rides on it.
_FIRST = {
    ("submit", False): SUBMIT,
    ("submit", True): SUBMIT.add_cte(EVENTS),
    ("lock", False): LOCK_WITH_HISTORY,
    ("lock", True): LOCK_WITH_HISTORY.add_cte(EVENTS),
}
_FOLDED = recordset(
    "folded", [application.c.id, application.c.updated_at, *(application.c[n] for n in PARTS)]
)
# Every row a run touched, in one statement.
FOLD = (
    update(application)
    .where(application.c.id == _FOLDED.c.id)
    .values(
        {name: _FOLDED.c[name] for name in PARTS}
        | {"updated_at": func.greatest(application.c.updated_at, _FOLDED.c.updated_at)}
    )
)


async def project(session: Connectable, envelope: Envelope, event: Contract) -> None:
    """Apply one event, ours or another service's, to every projection it touches."""
    await project_many(session, [(envelope, event)])


async def project_many(session: Connectable, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """Apply events in order: each run of application events folded in a few statements
    (their history, new rows, one read, one UPDATE of every row touched). Of the payments
    service's events (about an award) only revocations matter here: they bar enterprises.
    The register's loads are copied whole: intake checks filings against them; so are the
    official lists' entries, which proposals are made from."""
    for about, grouped in groupby(events, key=lambda pair: pair[1].aggregate_type):
        run = list(grouped)
        if about == "round":
            for envelope, event in run:
                await project_round_event(session, envelope, event)
        elif about == "register-load":
            await record_register(session, register, run)
        elif about == "official-list":
            await record_list_entries(session, run)
        elif about == "proposal":
            await project_proposals(session, run)
        elif about == "award":
            await record_revocations(session, [e for _, e in run if isinstance(e, AwardRevoked)])
        else:
            await _fold_applications(session, run)


async def write_applications(
    session: Connectable, written: Sequence[tuple[Envelope, Contract]]
) -> None:
    """Store our own newly sealed application events with what they change: the events,
    their history and the rows in the statements the rows take anyway. A unique key
    refusing them (a stale stream head) raises IntegrityError, as the event store's
    append would."""
    rows = [event_row(envelope) for envelope, _ in written]
    await _fold_applications(session, list(written), {"events": json_rows(rows)})


_SUBMIT_WITH_EVENTS = Compiled(_FIRST["submit", True])


async def write_submissions(
    driver: Driver, dialect: Dialect, written: Sequence[tuple[Envelope, ApplicationSubmitted]]
) -> None:
    """`write_applications` of submissions alone, on the driver (adapters/driver.py): the
    events, their history and the new rows in one statement. A unique key refusing them
    raises asyncpg's UniqueViolationError."""
    params = {
        "history": json_rows(_history(e) for e, _ in written),
        "events": json_rows(event_row(e) for e, _ in written),
        "submitted": json_rows(_submitted(e, event) for e, event in written),
    }
    await _SUBMIT_WITH_EVENTS.execute_on(driver, dialect, params)


async def _fold_applications(
    session: Connectable,
    run: list[tuple[Envelope, Contract]],
    events: dict[str, list[dict[str, Any]]] | None = None,
) -> None:
    # What rides on the run's first statement: the history, and our events if given.
    first = {"history": json_rows(_history(e) for e, _ in run)} | (events or {})
    submitted = [_submitted(e, ev) for e, ev in run if isinstance(ev, ApplicationSubmitted)]
    if submitted:
        statement = _FIRST["submit", "events" in first]
        await session.execute(statement, first | {"submitted": json_rows(submitted)})
        first = {}
    # A submission's row is whole as inserted: only the events after it are folded (the
    # intake's request then costs one statement, not four).
    run = [(e, ev) for e, ev in run if not isinstance(ev, ApplicationSubmitted)]
    if not run:
        return
    ids = sorted({envelope.aggregate_id for envelope, _ in run})
    # Locked, in one order: a request's own events and the consumer's fold of scoring's
    # (and a round's re-allocation) may change one row in two transactions at once.
    statement = _FIRST["lock", "events" in first] if first else _LOCK
    found = await session.execute(statement, first | {"ids": ids})
    rows: dict[str, dict[str, Any]] = {row["id"]: dict(row) for row in found.mappings()}
    latest: dict[str, Any] = {}
    for envelope, event in run:
        row = rows.get(envelope.aggregate_id)
        if row is None:  # a scoring event about an application not projected: nothing to fold
            continue
        fold(row, envelope, event)
        row["status"] = derive_status(
            row["review"], row["score"] is not None, row["outcome"], row["final"]
        )
        at = latest.get(envelope.aggregate_id)
        latest[envelope.aggregate_id] = max(at or envelope.occurred_at, envelope.occurred_at)
        await _objection(session, envelope, event)
    if latest:
        folded = [
            {"id": id_, "updated_at": at} | {name: rows[id_][name] for name in PARTS}
            for id_, at in latest.items()
        ]
        await session.execute(FOLD, {"folded": json_rows(folded)})


async def _objection(session: Connectable, envelope: Envelope, event: Contract) -> None:
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
        "lead_key": lead_key(claim_record(event.claim), event.policy_version),
        "status": "submitted",
        "submitted_via": event.submitted_via,
        "proposal_id": event.proposal_id,
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
