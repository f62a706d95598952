"""The official lists as their events made them: each list's receipt, its entries as
received, and each unit's match and any person's resolution of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB


@dataclass(frozen=True)
class ListTables:
    official_list: Table
    entry: Table
    unit: Table


def list_tables(metadata: MetaData) -> ListTables:
    official_list = Table(
        "official_list",
        metadata,
        Column("list_id", String(64), primary_key=True),
        Column("kind", String(20), nullable=False),
        Column("title", String(500), nullable=False),
        Column("submitted_by", String(200), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("entries", Integer, nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
    )
    entry = Table(
        "official_list_entry",
        metadata,
        Column("list_id", String(64), primary_key=True),
        Column("number", Integer, primary_key=True),
        Column("body", JSONB, nullable=False),
    )
    unit = Table(
        "official_list_unit",
        metadata,
        Column("list_id", String(64), primary_key=True),
        Column("entry", Integer, primary_key=True),
        Column("unit", Integer, primary_key=True),
        Column("outcome", String(20), nullable=False),
        Column("matched_by", String(20)),
        Column("credit_code", String(18)),
        Column("candidates", JSONB, nullable=False),
        Column("reason", Text, nullable=False),
        Column("resolved", Boolean, nullable=False),
        Column("resolved_credit_code", String(18)),
        Column("resolved_by", String(200)),
        Column("resolved_note", Text),
        Column("resolved_at", DateTime(timezone=True)),
    )
    return ListTables(official_list=official_list, entry=entry, unit=unit)
