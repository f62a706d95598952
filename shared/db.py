"""Tables every service keeps beside its projection: its event store (which is also its
outbox) and its inbox of events already applied."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    bindparam,
    column,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import Insert, insert

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True)
class BackboneTables:
    event: Table
    inbox: Table


def backbone_tables(metadata: MetaData) -> BackboneTables:
    event = Table(
        "event",
        metadata,
        # The position orders the outbox; per aggregate it follows the version because a
        # writer of version n+1 must have read version n, committed, first.
        Column("position", BigInteger, Identity(always=True), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("aggregate_type", String(40), nullable=False),
        Column("aggregate_id", String(64), nullable=False),
        Column("aggregate_version", Integer, nullable=False),
        Column("event_type", String(80), nullable=False),
        Column("schema_version", Integer, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("hash", String(64), nullable=False),
        # The canonical JSON exactly as hashed and published; jsonb would reorder it.
        Column("body", Text, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        UniqueConstraint("aggregate_id", "aggregate_version"),
    )
    Index(
        "ix_event_unpublished",
        event.c.position,
        postgresql_where=event.c.published_at.is_(None),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    return BackboneTables(event=event, inbox=inbox)


def insert_unnested(table: Table, names: Sequence[str]) -> Insert:
    """An INSERT of many rows, each column one array parameter (named as the column)
    unnested by PostgreSQL: one statement text, so one prepared statement a connection,
    whatever the number of rows, and one execution for all of them, where an executemany
    is an execution a row and a multi-row VALUES a text (parsed and planned anew) for
    each number of rows. `as_arrays` makes its parameters."""
    columns = [table.c[name] for name in names]
    arrays = [bindparam(c.name, type_=ARRAY(c.type)) for c in columns]
    rows = func.unnest(*arrays).table_valued(*(column(c.name, c.type) for c in columns))
    return insert(table).from_select(list(names), select(rows.render_derived()))


def as_arrays(names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """The parameters of `insert_unnested(table, names)` that insert these rows."""
    return {name: [row[name] for row in rows] for name in names}
