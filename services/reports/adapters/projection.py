"""The reporting projection: each event's changes (shared/rules/report/changes.py) as
one upsert a row. Sets overwrite, sums add in the database and earliest moments take
LEAST, so partitions applied side by side never lose each other's columns and
`qsfund-reports rebuild` makes the same rows from the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.envelope import Envelope
from shared.rules.report.changes import Change, changes

from .tables import report_application, report_round

TABLES: dict[str, tuple[Table, str]] = {
    "application": (report_application, "application_id"),
    "round": (report_round, "round_id"),
}


def upsert(change: Change) -> Any:
    table, key = TABLES[change.table]
    values = {key: change.key, **change.set, **change.add, **change.earliest}
    statement = insert(table).values(**values)
    new = statement.excluded
    updates: dict[str, Any] = {name: new[name] for name in change.set}
    updates |= {name: table.c[name] + new[name] for name in change.add}
    updates |= {name: func.least(table.c[name], new[name]) for name in change.earliest}
    if not updates:
        return statement.on_conflict_do_nothing()
    return statement.on_conflict_do_update(index_elements=[table.c[key]], set_=updates)


async def project_many(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """Apply the events in their order; events the report has no use for are passed over."""
    for envelope, event in events:
        for change in changes(envelope, event):
            await session.execute(upsert(change))
