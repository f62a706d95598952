"""The official lists' read side from their events. Idempotent: a row is inserted once,
and a resolution only fills a unit no one has resolved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.lists import (
    OfficialListEntries,
    OfficialListMatched,
    OfficialListReceived,
    OfficialListUnitResolved,
)
from shared.envelope import Envelope

from .tables import lists


async def record_lists(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    for envelope, event in events:
        if isinstance(event, OfficialListReceived):
            row = event.model_dump(mode="json", exclude={"batches"})
            row["received_at"] = envelope.occurred_at
            await session.execute(insert(lists.official_list).values(row).on_conflict_do_nothing())
        elif isinstance(event, OfficialListEntries):
            # The envelope's payload is the event in JSON already: serialising 500
            # entries again would cost as much as sealing them did.
            rows = [
                {"list_id": event.list_id, "number": numbered["number"], "body": numbered["entry"]}
                for numbered in envelope.payload["entries"]
            ]
            await _insert(session, lists.entry, rows)
        elif isinstance(event, OfficialListMatched):
            await _insert(session, lists.unit, [_unit(event.list_id, m) for m in event.matches])
        elif isinstance(event, OfficialListUnitResolved):
            await _resolved(session, event, envelope)


async def _insert(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    # Executed with the rows as parameters: compiled once, sent in pages.
    await session.execute(insert(table).on_conflict_do_nothing(), rows)


def _unit(list_id: str, match: Any) -> dict[str, Any]:
    return {
        "list_id": list_id,
        "entry": match.entry,
        "unit": match.unit,
        "outcome": match.outcome,
        "matched_by": match.by,
        "credit_code": match.credit_code,
        "candidates": list(match.candidates),
        "reason": match.reason,
        "resolved": False,
        "resolved_credit_code": None,
        "resolved_by": None,
        "resolved_note": None,
        "resolved_at": None,
    }


async def _resolved(
    session: AsyncSession, event: OfficialListUnitResolved, envelope: Envelope
) -> None:
    unit = lists.unit.c
    await session.execute(
        update(lists.unit)
        .where(
            unit.list_id == event.list_id,
            unit.entry == event.entry,
            unit.unit == event.unit,
            unit.resolved.is_(False),
        )
        .values(
            resolved=True,
            resolved_credit_code=event.credit_code,
            resolved_by=event.resolved_by,
            resolved_note=event.note,
            resolved_at=envelope.occurred_at,
        )
    )
