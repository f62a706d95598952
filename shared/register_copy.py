"""A service's copy of the district's enterprise register, made from the register topic:
one row per enterprise, its latest record (upserted by credit code from each
EnterprisesRegistered), and the loads seen, which say whether the register is in use.

The register service keeps the same tables as its read side; applications and scoring
keep their own copies, so intake and the decision read their own database.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    exists,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, insert

from shared.contracts import Contract
from shared.contracts.register import (
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)
from shared.envelope import Envelope
from shared.eventstore import Connectable

CONSUMES: tuple[type[Contract], ...] = (RegisterLoadAccepted, EnterprisesRegistered)


@dataclass(frozen=True)
class RegisterTables:
    enterprise: Table
    load: Table


def register_tables(metadata: MetaData, prefix: str = "register_") -> RegisterTables:
    enterprise = Table(
        f"{prefix}enterprise",
        metadata,
        Column("credit_code", String(18), primary_key=True),
        Column("name", String(500), nullable=False, index=True),
        Column("former_names", JSONB, nullable=False),
        Column("industry_code", String(6), nullable=False),
        Column("registered_on", Date, nullable=False),
        Column("deregistered_on", Date),
        Column("dishonesty", JSONB, nullable=False),
        Column("load_id", String(64), nullable=False),
        # When the load that wrote the record was taken: a later load's record wins, in
        # whichever order two loads' partitions are read.
        Column("loaded_at", DateTime(timezone=True), nullable=False),
    )
    # Matching published lists by a former name (part 2 of issue 17): `former_names ?| …`.
    Index(f"ix_{prefix}enterprise_former_names", enterprise.c.former_names, postgresql_using="gin")
    load = Table(
        f"{prefix}load",
        metadata,
        Column("load_id", String(64), primary_key=True),
        Column("sha256", String(64), nullable=False),
        Column("loaded_by", String(200), nullable=False),
        Column("rows", Integer, nullable=False),
        Column("accepted", Integer, nullable=False),
        Column("rejected", Integer, nullable=False),
        Column("batches", Integer, nullable=False),
        Column("problems", JSONB, nullable=False),
        Column("problems_not_listed", Integer, nullable=False),
        Column("accepted_at", DateTime(timezone=True), nullable=False),
    )
    return RegisterTables(enterprise=enterprise, load=load)


async def record_register(
    session: Connectable, tables: RegisterTables, events: Sequence[tuple[Envelope, Contract]]
) -> None:
    """Fold the register's events in; any other event passes by. Idempotent: a load is
    recorded once, and a record is only replaced by one of a load taken no earlier."""
    for envelope, event in events:
        if isinstance(event, RegisterLoadAccepted):
            row = event.model_dump(mode="json", exclude={"load_id"}) | {
                "load_id": event.load_id,
                "accepted_at": envelope.occurred_at,
            }
            await session.execute(insert(tables.load).values(row).on_conflict_do_nothing())
        elif isinstance(event, EnterprisesRegistered):
            await _upsert(session, tables.enterprise, event, envelope.occurred_at)


async def _upsert(
    session: Connectable, table: Table, event: EnterprisesRegistered, at: datetime
) -> None:
    rows = [_row(record, event.load_id, at) for record in event.enterprises]
    # Executed with the rows as parameters: compiled once and sent in pages, where a
    # statement of 1,000 literal VALUES would cost a tenth of a second to compile each time.
    await session.execute(_upsert_statement(table), rows)


def _upsert_statement(table: Table) -> Any:
    statement = insert(table)
    replaced = {c.name: statement.excluded[c.name] for c in table.columns if not c.primary_key}
    return statement.on_conflict_do_update(
        index_elements=[table.c.credit_code],
        set_=replaced,
        where=table.c.loaded_at <= statement.excluded.loaded_at,
    )


def _row(record: RegisteredEnterprise, load_id: str, at: datetime) -> dict[str, Any]:
    return {
        "credit_code": record.credit_code,
        "name": record.name,
        "former_names": list(record.former_names),
        "industry_code": record.industry_code,
        "registered_on": record.registered_on,
        "deregistered_on": record.deregistered_on,
        "dishonesty": [entry.model_dump(mode="json") for entry in record.dishonesty],
        "load_id": load_id,
        "loaded_at": at,
    }


async def enterprise_record(
    session: Connectable, tables: RegisterTables, credit_code: str
) -> RegisteredEnterprise | None:
    """The enterprise's record as last loaded, or None if the register does not hold it."""
    row = (
        (
            await session.execute(
                select(tables.enterprise).where(tables.enterprise.c.credit_code == credit_code)
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else _record(row)


async def enterprise_records(
    session: Connectable, tables: RegisterTables, credit_codes: Collection[str]
) -> dict[str, RegisteredEnterprise]:
    """The records the register holds of these enterprises, by credit code (one query)."""
    rows = await session.execute(
        select(tables.enterprise).where(tables.enterprise.c.credit_code.in_(list(credit_codes)))
    )
    return {row["credit_code"]: _record(row) for row in rows.mappings()}


def _record(row: Any) -> RegisteredEnterprise:
    fields = RegisteredEnterprise.model_fields
    return RegisteredEnterprise.model_validate({k: v for k, v in row.items() if k in fields})


async def register_in_use(session: Connectable, tables: RegisterTables) -> bool:
    """Whether any load of the register has been recorded: until one is, a deployment
    without a register keeps working as before."""
    return bool(await session.scalar(select(exists().select_from(tables.load))))
