"""Rows handed to PostgreSQL as one JSON parameter and read back as typed columns
(`jsonb_to_recordset`): a statement that writes any number of rows is one statement of
one text, prepared once, where an executemany is a statement a row and literal VALUES a
new statement for every count of rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, bindparam, column, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.selectable import TableValuedAlias


def recordset(name: str, columns: Sequence[Column[Any]]) -> TableValuedAlias:
    """The rows of parameter `name`, with the columns (names and types) given."""
    typed = [column(c.name, c.type) for c in columns]
    rows = func.jsonb_to_recordset(bindparam(name, type_=JSONB)).table_valued(*typed)
    return rows.render_derived(name=name, with_types=True)


def json_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows as JSON values the recordset's types read back exactly: times in ISO 8601
    with their offset (to the microsecond), UUIDs as text."""
    return [{k: _json(v) for k, v in row.items()} for row in rows]


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value
