"""What readers ask of proposals: a page of them, filtered, and one with its source entry.
An applicant sees its own enterprise's only; a platform and the office's roles, all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, true

from shared.auth.principal import Principal
from shared.eventstore import Connectable

from .adapters.tables import official_list_entry, proposal
from .domain.errors import NotFound


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """A platform serves every enterprise of the district, so it sees every proposal;
    an applicant only its own (others answer 404, as if they did not exist)."""
    if principal.role == "applicant":
        return proposal.c.credit_code == principal.credit_code
    return true()


async def proposals_page(
    session: Connectable,
    caller: Principal,
    *,
    round_id: str | None,
    state: str | None,
    credit_code: str | None,
    after: str | None,
    limit: int,
) -> dict[str, Any]:
    """Ordered by id: a page starts after the last id of the one before (`next_after`)."""
    query = select(proposal).where(visible_to(caller)).order_by(proposal.c.id).limit(limit + 1)
    for column, wanted in (
        (proposal.c.round_id, round_id),
        (proposal.c.state, state),
        (proposal.c.credit_code, credit_code),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    if after is not None:
        query = query.where(proposal.c.id > after)
    rows = [_view(row) for row in (await session.execute(query)).mappings()]
    more = len(rows) > limit
    return {"items": rows[:limit], "next_after": rows[limit - 1]["id"] if more else None}


async def proposal_view(session: Connectable, id_: str, caller: Principal) -> dict[str, Any]:
    """The proposal with the list entry it was made from, as the list gave it."""
    query = (
        select(proposal, official_list_entry.c.entry)
        .outerjoin(
            official_list_entry,
            (official_list_entry.c.list_id == proposal.c.source_list_id)
            & (official_list_entry.c.number == proposal.c.source_entry),
        )
        .where(proposal.c.id == id_, visible_to(caller))
    )
    row = (await session.execute(query)).mappings().first()
    if row is None:
        raise NotFound("proposal_id", "exists", f"no proposal {id_}")
    view = _view(row)
    view["source"]["entry_as_listed"] = row["entry"]
    return view


async def sources_of(
    session: Connectable, proposal_ids: list[str | None]
) -> dict[str, dict[str, Any]]:
    """Where applications filed from proposals came from, for their reviewer, by
    proposal id (one query for a list of applications)."""
    wanted = [id_ for id_ in proposal_ids if id_ is not None]
    if not wanted:
        return {}
    rows = await session.execute(select(proposal).where(proposal.c.id.in_(wanted)))
    return {row["id"]: _source(row) for row in rows.mappings()}


def _view(row: Any) -> dict[str, Any]:
    enterprise = (
        {
            "credit_code": row["credit_code"],
            "name": row["enterprise_name"],
            "industry": row["industry"],
        }
        if row["enterprise_name"] is not None
        else None
    )
    return {
        "id": row["id"],
        "round_id": row["round_id"],
        "state": row["state"],
        "credit_code": row["credit_code"],
        "enterprise": enterprise,
        "claim": row["claim"],
        "policy_version": row["policy_version"],
        "source": _source(row),
        "reason": row["reason"],
        "covered_by": row["covered_by"],
        "application_id": row["application_id"],
        "decline_reason": row["decline_reason"],
        "proposed_at": row["proposed_at"],
        "updated_at": row["updated_at"],
    }


def _source(row: Any) -> dict[str, Any]:
    return {
        "list_id": row["source_list_id"],
        "entry": row["source_entry"],
        "unit": row["source_unit"],
        "document": row["source_document"],
    }
