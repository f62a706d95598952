"""Read-side questions the applications service answers from its projections, each
within what the caller may see (services/applications/scope.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.auth.principal import Principal
from shared.eventstore import Connectable
from shared.rules.status import award_stage, list_stage

from .adapters.driver import Compiled
from .adapters.tables import (
    application,
    application_history,
    funding_round,
    objection,
    published_list,
    register,
)
from .domain.errors import NotFound
from .proposal_queries import sources_of
from .scope import visible_to

# An application with how far its round's decision has gone: what its award stage needs.
_WITH_ROUND = select(
    application, funding_round.c.publicity_ends_at, funding_round.c.finalised_at
).join(funding_round, funding_round.c.id == application.c.round_id)


def _with_stage(row: Any, now: datetime) -> dict[str, Any]:
    view = dict(row)
    ends_at = view.pop("publicity_ends_at")
    view.pop("finalised_at")
    return {**view, "award_stage": award_stage(view["status"], view["final"], ends_at, now)}


async def application_view(
    session: Connectable, application_id: str, caller: Principal, now: datetime | None = None
) -> dict[str, Any]:
    query = _WITH_ROUND.where(application.c.id == application_id, visible_to(caller))
    row = (await session.execute(query)).mappings().first()
    if row is None:
        raise NotFound("application_id", "exists", f"no application {application_id}")
    [view] = await _with_sources(session, [_with_stage(row, now or datetime.now(UTC))])
    return view


async def application_events(
    session: Connectable, application_id: str, caller: Principal
) -> list[dict[str, Any]]:
    await application_view(session, application_id, caller)
    rows = await session.execute(
        select(application_history)
        .where(application_history.c.application_id == application_id)
        .order_by(
            application_history.c.occurred_at,
            application_history.c.source,
            application_history.c.aggregate_version,
        )
    )
    history = [dict(row) for row in rows.mappings()]
    if caller.role in ("applicant", "platform"):
        for entry in history:
            if entry["event_type"] == "ObjectionLodged":
                # An objector's identity is kept from the applicant and its platform.
                entry["payload"] = {**entry["payload"], "objector": "withheld"}
    return history


# Each application counted once per figure: by status, by category, by industry. The
# grouping() bits say which set a row belongs to (a 1 for each column left out).
_NAMES = ("status", "category", "industry")
_GROUPED = tuple(application.c[name] for name in _NAMES)
_FIGURES = {
    0b011: ("applications_by_status", 0),
    0b101: ("applications_by_category", 1),
    0b110: ("applications_by_industry", 2),
}
_COUNTED = (
    select(
        func.grouping(*_GROUPED).label("grouping"),
        *_GROUPED,
        func.count().label("count"),
        func.sum(application.c.awarded_amount_yuan).label("yuan"),
    )
    .where(application.c.round_id == bindparam("round_id"))
    .group_by(func.grouping_sets(*_GROUPED))
    .subquery("counted")
)
# The round and every figure in one statement (one pass over the round's applications),
# built once: a read costs one round trip and no statement building.
_ROUND_VIEW = select(
    funding_round,
    select(
        func.coalesce(
            func.json_agg(func.json_build_array(*_COUNTED.c)), text("'[]'::json"), type_=JSON
        )
    )
    .scalar_subquery()
    .label("figures"),
).where(funding_round.c.id == bindparam("round_id"))
_ROUND_VIEW_READ = Compiled(_ROUND_VIEW)


async def round_view(db: Connectable, round_id: str) -> dict[str, Any]:
    conn = db if isinstance(db, AsyncConnection) else await db.connection()
    view = await _ROUND_VIEW_READ.first(conn, {"round_id": round_id})
    if view is None:
        raise NotFound("round_id", "exists", f"no funding round {round_id}")
    counted = [(g, keys, int(count), yuan) for g, *keys, count, yuan in view.pop("figures")]
    figures: dict[str, dict[str, int]] = {name: {} for name, _ in _FIGURES.values()}
    awarded = 0
    for grouping, keys, count, amount in sorted(
        counted, key=lambda r: str(r[1][_FIGURES[r[0]][1]])
    ):
        name, index = _FIGURES[grouping]
        figures[name][str(keys[index])] = count
        if name == "applications_by_status" and keys[index] == "awarded":
            awarded = int(amount or 0)
    return {
        **view,
        "status": "closed" if view["closed_at"] else "open",
        **figures,
        "awarded_total_yuan": awarded,
    }


async def enterprise_applications(
    session: Connectable, credit_code: str, caller: Principal, now: datetime
) -> list[dict[str, Any]]:
    """Another enterprise's code gives an applicant an empty list, not a refusal: credit
    codes are public, whether an enterprise applied is not."""
    rows = await session.execute(
        _WITH_ROUND.where(application.c.credit_code == credit_code, visible_to(caller)).order_by(
            application.c.submitted_at
        )
    )
    return await _with_sources(session, [_with_stage(row, now) for row in rows.mappings()])


async def _with_sources(session: Connectable, views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each view with the official list unit it came from, for one filed from a proposal."""
    sources = await sources_of(session, [view["proposal_id"] for view in views])
    return [view | {"source": sources.get(view["proposal_id"] or "")} for view in views]


async def published_list_view(session: Connectable, round_id: str, now: datetime) -> dict[str, Any]:
    """The latest published list with its period; NotFound before the first publication."""
    round_ = (
        (await session.execute(select(funding_round).where(funding_round.c.id == round_id)))
        .mappings()
        .first()
    )
    lists = (
        await session.execute(
            select(published_list.c.body, published_list.c.published_at)
            .where(published_list.c.round_id == round_id)
            .order_by(published_list.c.revision)
        )
    ).all()
    if round_ is None or not lists:
        raise NotFound("round_id", "published", f"round {round_id} has no published list")
    opened, (latest, revised_at) = lists[0].body, lists[-1]
    ends_at = round_["publicity_ends_at"]
    stage = list_stage(round_["finalised_at"] is not None, ends_at, now)
    return {
        **latest,
        "round_name": round_["name"],
        "year": round_["year"],
        "stage": stage,
        "published_at": opened["published_at"],
        "ends_at": ends_at,
        "last_day": opened["last_day"],
        "days": opened["days"],
        "day_kind": opened["day_kind"],
        "revised_at": revised_at,
        "objections_to": f"/v1/public/rounds/{round_id}/objections",
    }


async def objections(session: Connectable, round_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(objection).where(objection.c.round_id == round_id).order_by(objection.c.lodged_at)
    )
    return [dict(row) for row in rows.mappings()]


async def register_load(session: Connectable, load_id: str) -> dict[str, Any]:
    """A register load as intake's copy holds it; NotFound until the copy has it."""
    loads = register.load
    row = (
        (await session.execute(select(loads).where(loads.c.load_id == load_id))).mappings().first()
    )
    if row is None:
        raise NotFound("load_id", "exists", f"intake holds no register load {load_id} (yet)")
    return dict(row)
