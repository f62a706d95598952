"""Many rows in one statement: each column sent as one array parameter and unnested by
PostgreSQL, so the statement's text, and its prepared plan, are the same whatever the
number of rows (an executemany would be one round trip a row)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, column, func, literal
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.types import TypeEngine

Columns = Sequence[tuple[str, TypeEngine[Any]]]


def unnested(columns: Columns, rows: Sequence[Sequence[Any]]) -> TableValuedAlias:
    """The rows as a table of the named, typed columns."""
    arrays = (literal([row[i] for row in rows], ARRAY(kind)) for i, (_, kind) in enumerate(columns))
    table = func.unnest(*arrays).table_valued(*(column(name, kind) for name, kind in columns))
    return table.render_derived()
