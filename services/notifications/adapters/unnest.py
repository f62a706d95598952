"""Many rows in one statement: each column sent as one array parameter and unnested by
PostgreSQL, so the statement's text, and its prepared plan, are the same whatever the
number of rows (an executemany would be one round trip a row). The statement is built
once, with named parameters, and `arrays` gives their values for some rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, bindparam, column, func
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.types import TypeEngine

Columns = Sequence[tuple[str, TypeEngine[Any]]]


def unnested(columns: Columns, prefix: str) -> TableValuedAlias:
    """A table of the named, typed columns, from the parameters `<prefix>_<column>`."""
    parameters = (bindparam(f"{prefix}_{name}", type_=ARRAY(kind)) for name, kind in columns)
    table = func.unnest(*parameters).table_valued(*(column(name, kind) for name, kind in columns))
    return table.render_derived()


def arrays(columns: Columns, prefix: str, rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """The parameters of `unnested(columns, prefix)` that make it these rows."""
    return {f"{prefix}_{name}": [row[i] for row in rows] for i, (name, _) in enumerate(columns)}
