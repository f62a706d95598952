"""Who read what (issue 19, item 1): every read of personal or confidential data (an
application's contact and evidence, an objector's identity, notification contents,
webhook registrations, payee accounts) is recorded before the data leaves the service:
who (token subject and role), when, which record and fields, from which address,
through which endpoint.

The record is written and committed in the read's own session before the answer is
made: a read whose record cannot be written fails (503, rule `read_recorded`) and shows
nothing. The table is append-only: triggers refuse UPDATE, DELETE and TRUNCATE to every
role, the owner and superusers included (only dropping the trigger, a migration's work,
would lift it), and UPDATE, DELETE and TRUNCATE are revoked from PUBLIC.

Each service keeps the record of the reads it serves, in its own database, and answers
auditors' questions about it at `GET /v1/read-log`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.principal import Principal
from shared.http.correlation import current_correlation_id
from shared.http.limits import within_limits
from shared.http.problems import INVALID, problem
from shared.http.timestamps import Timestamp

TABLE = "read_log"


def read_log_table(metadata: MetaData) -> Table:
    table = Table(
        TABLE,
        metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("read_at", DateTime(timezone=True), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("role", String(32), nullable=False),
        Column("client_address", String(64), nullable=False),
        # The route as declared ("GET /v1/applications/{application_id}"), not the URL.
        Column("endpoint", String(300), nullable=False),
        Column("record_type", String(40), nullable=False),
        Column("record_id", String(200), nullable=False),
        Column("fields", JSONB, nullable=False),
        Column("correlation_id", Uuid),
    )
    # "Who read application X" and "what did subject Y read last month".
    Index(f"ix_{TABLE}_record", table.c.record_type, table.c.record_id, table.c.read_at)
    Index(f"ix_{TABLE}_subject", table.c.subject, table.c.read_at)
    return table


# Run by each service's migration after creating the table (and undone before dropping).
APPEND_ONLY = (
    f"""
    CREATE FUNCTION {TABLE}_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{TABLE} is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_is_append_only()
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_is_append_only()
    """,
    f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC",
)
DROP_APPEND_ONLY = (
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_is_append_only()",
)


class ReadNotRecorded(Exception):
    """The record of a read could not be written, so the read is refused."""

    status = 503
    rule = "read_recorded"
    message = "the read could not be recorded, so nothing is shown; try again later"


@dataclass(frozen=True)
class Read:
    """One record read: its kind ("application", "objection", "webhook"...), its id and
    the confidential fields the answer shows of it."""

    record_type: str
    record_id: str
    fields: tuple[str, ...]


def reads(record_type: str, ids: Iterable[str], fields: tuple[str, ...]) -> list[Read]:
    return [Read(record_type, record_id, fields) for record_id in ids]


def endpoint_of(request: Request) -> str:
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path_format', request.url.path)}"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class ReadLog:
    """Where a service records its reads: its table, its database, its clock."""

    table: Table
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]


async def recorded(
    request: Request,
    caller: Principal,
    records: Sequence[Read],
    session: AsyncSession | None = None,
) -> None:
    """Write and commit the record of `records` read by `caller` in this request, before
    the answer is made. Raises ReadNotRecorded (the route answers 503 and shows nothing)
    when it cannot. A read of nothing (an empty list) records nothing.

    A route that read in a `session` it still holds passes it: the record is written
    and committed in it (the read is done), rather than in a second connection, which
    many such requests at once would wait for while each holds its first."""
    if not records:
        return
    log: ReadLog = request.app.state.read_log
    endpoint, address, now = endpoint_of(request), client_address(request), log.clock()
    rows = [
        {
            "read_at": now,
            "subject": caller.subject,
            "role": caller.role,
            "client_address": address,
            "endpoint": endpoint,
            "record_type": read.record_type,
            "record_id": read.record_id,
            "fields": list(read.fields),
            "correlation_id": current_correlation_id(),
        }
        for read in records
    ]
    try:
        if session is not None:
            await session.execute(insert(log.table), rows)
            await session.commit()
        else:
            async with log.sessions.begin() as own:
                await own.execute(insert(log.table), rows)
    except (SQLAlchemyError, OSError) as error:
        if session is not None:
            await session.rollback()
        raise ReadNotRecorded() from error


async def _not_recorded(request: Request, error: Exception) -> JSONResponse:
    return problem(
        ReadNotRecorded.status,
        ReadNotRecorded.message,
        [{"field": "read_log", "rule": ReadNotRecorded.rule, "message": ReadNotRecorded.message}],
        headers={"Retry-After": "5"},
    )


def install_read_log(app: FastAPI, log: ReadLog) -> None:
    """The service's read log, the auditors' route over it, and the 503 a read without
    its record gets."""
    app.state.read_log = log
    app.add_exception_handler(ReadNotRecorded, _not_recorded)
    app.include_router(read_log_router(log))


class ReadLogEntry(BaseModel):
    id: int
    read_at: AwareDatetime
    subject: str
    role: str
    client_address: str
    endpoint: str
    record_type: str
    record_id: str
    fields: list[str]
    correlation_id: UUID | None


Limit = Annotated[int, Query(ge=1, le=1000)]


def read_log_router(log: ReadLog) -> APIRouter:
    """`GET /v1/read-log` for auditors: who read a record, or what a subject read in a
    time, oldest first, paged by `after` (the last id of the page before)."""
    # within_limits: a filter with a NUL character is refused (422) at its field, where
    # PostgreSQL would fail on it (a 500 the API fuzz found).
    router = APIRouter(
        prefix="/v1",
        tags=["read-log"],
        responses=INVALID,
        dependencies=[Depends(within_limits)],
    )

    @router.get("/read-log")
    async def list_reads(
        record_type: str | None = None,
        record_id: str | None = None,
        subject: str | None = None,
        since: Annotated[Timestamp | None, Query(description="read at or after")] = None,
        until: Annotated[Timestamp | None, Query(description="read before")] = None,
        after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,  # an id: a bigint
        limit: Limit = 100,
    ) -> list[ReadLogEntry]:
        """The reads of confidential data this service served, filtered."""
        table = log.table
        query = select(table).where(table.c.id > after).order_by(table.c.id).limit(limit)
        conditions: list[Any] = [
            table.c.record_type == record_type if record_type else None,
            table.c.record_id == record_id if record_id else None,
            table.c.subject == subject if subject else None,
            table.c.read_at >= since if since else None,
            table.c.read_at < until if until else None,
        ]
        query = query.where(*(c for c in conditions if c is not None))
        async with log.sessions() as session:
            rows = (await session.execute(query)).mappings().all()
        return [ReadLogEntry.model_validate(row) for row in rows]

    return router
