"""The official lists' reads: the part of the register a list names, a list's summary,
one unit's state, and a page of units."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.lists import UnitState
from ..domain.matching import FULL_WIDTH_BRACKETS, Registered
from .tables import lists, register

# Resolutions of one list are decided one at a time (each appends to the list's stream);
# the single-key lock of loads and lists (repository.py) is another lock space.
LISTS_LOCK = 0x6C697374  # "list"
UNITS = lists.unit.c


async def one_list_at_a_time(session: AsyncSession, list_id: str) -> None:
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:space, hashtext(:id))"),
        {"space": LISTS_LOCK, "id": list_id},
    )


# The register's names are stored trimmed (the load's rules trim them); folding the
# brackets here makes the comparison the domain's fold() (domain/matching.py). Three
# queries, not one of ORs: an EXISTS over each record's former names in an OR is
# evaluated row by row (2.4 s over 100,000 enterprises, against 0.2 s joined).
_NAMED = text(
    f"""
    WITH hit AS (
        SELECT credit_code FROM {register.enterprise.name}
        WHERE credit_code = ANY(CAST(:codes AS text[]))
        UNION
        SELECT credit_code FROM {register.enterprise.name}
        WHERE translate(name, :brackets, '()') IN (SELECT unnest(CAST(:names AS text[])))
        UNION
        SELECT e.credit_code FROM {register.enterprise.name} e
        CROSS JOIN LATERAL jsonb_array_elements_text(e.former_names) AS f(name)
        JOIN unnest(CAST(:names AS text[])) AS n(name)
          ON translate(f.name, :brackets, '()') = n.name
    )
    SELECT e.credit_code, e.name, e.former_names, e.registered_on, e.deregistered_on
    FROM {register.enterprise.name} e JOIN hit USING (credit_code)
    """
)


async def named_records(
    session: AsyncSession, codes: list[str], folded_names: list[str]
) -> list[Registered]:
    """Every enterprise of the register a list could mean: by code, or by a current or
    former name (folded) it gives."""
    rows = await session.execute(
        _NAMED, {"codes": codes, "names": folded_names, "brackets": FULL_WIDTH_BRACKETS}
    )
    return [
        Registered(
            credit_code=row.credit_code,
            name=row.name,
            former_names=tuple(row.former_names),
            registered_on=row.registered_on,
            deregistered_on=row.deregistered_on,
        )
        for row in rows
    ]


async def record(session: AsyncSession, credit_code: str) -> Registered | None:
    found = await named_records(session, [credit_code], [])
    return found[0] if found else None


async def list_exists(session: AsyncSession, list_id: str) -> bool:
    table = lists.official_list
    found = await session.scalar(select(table.c.list_id).where(table.c.list_id == list_id))
    return found is not None


async def recorded_list(
    session: AsyncSession, list_id: str, as_received: bool = False
) -> dict[str, Any] | None:
    """The list's receipt and its units counted by where they stand, or `as_received`:
    as the rules left them, before any person resolved one (what taking it answered)."""
    table = lists.official_list
    head = (
        (await session.execute(select(table).where(table.c.list_id == list_id))).mappings().first()
    )
    if head is None:
        return None
    counted = await session.execute(
        select(
            UNITS.outcome,
            UNITS.matched_by,
            UNITS.resolved,
            UNITS.resolved_credit_code.is_not(None).label("to_enterprise"),
            func.count(),
        )
        .where(UNITS.list_id == list_id)
        .group_by(UNITS.outcome, UNITS.matched_by, UNITS.resolved, "to_enterprise")
    )
    return {**head, **_counts([tuple(row) for row in counted], as_received)}


def _counts(rows: list[tuple[Any, ...]], as_received: bool) -> dict[str, Any]:
    matched = {"credit_code": 0, "name": 0, "former_name": 0}
    counts: dict[str, Any] = {"units": 0, "matched": matched, "ambiguous": 0, "unmatched": 0}
    resolved = {"to_enterprise": 0, "to_none": 0}
    for outcome, by, was_resolved, to_enterprise, count in rows:
        counts["units"] += count
        if was_resolved and not as_received:
            resolved["to_enterprise" if to_enterprise else "to_none"] += count
        elif outcome == "matched":
            matched[by] += count
        else:
            counts[outcome] += count
    return {**counts, "resolved": resolved}


async def unit_state(
    session: AsyncSession, list_id: str, entry: int, unit: int
) -> UnitState | None:
    row = (
        await session.execute(
            select(
                UNITS.outcome,
                UNITS.resolved,
                UNITS.resolved_credit_code,
                UNITS.resolved_note,
                UNITS.resolved_by,
            ).where(UNITS.list_id == list_id, UNITS.entry == entry, UNITS.unit == unit)
        )
    ).first()
    if row is None:
        return None
    decided = (row.resolved_credit_code, row.resolved_note, row.resolved_by)
    return UnitState(outcome=row.outcome, resolved=decided if row.resolved else None)


def _units_with_entries(list_id: str) -> Select[Any]:
    entry = lists.entry.c
    return (
        select(lists.unit, entry.body)
        .join(lists.entry, and_(entry.list_id == UNITS.list_id, entry.number == UNITS.entry))
        .where(UNITS.list_id == list_id)
    )


async def units_page(
    session: AsyncSession,
    list_id: str,
    state: str | None,
    after: tuple[int, int] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Units in list order with their entries; `state` is where they stand now:
    matched by the rules, ambiguous or unmatched and still open, or resolved."""
    query = _units_with_entries(list_id).order_by(UNITS.entry, UNITS.unit).limit(limit)
    if state == "resolved":
        query = query.where(UNITS.resolved)
    elif state is not None:
        query = query.where(UNITS.outcome == state, UNITS.resolved.is_(False))
    if after is not None:
        query = query.where(tuple_(UNITS.entry, UNITS.unit) > tuple_(*after))
    return [dict(row) for row in (await session.execute(query)).mappings()]


async def one_unit(session: AsyncSession, list_id: str, entry: int, unit: int) -> dict[str, Any]:
    query = _units_with_entries(list_id).where(UNITS.entry == entry, UNITS.unit == unit)
    return dict((await session.execute(query)).mappings().one())
