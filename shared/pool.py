"""The services' connection pools: a connection is checked before use only when it sat
idle long enough for something to have closed it.

SQLAlchemy's `pool_pre_ping` checks every checkout, and on asyncpg a check is three
round trips (BEGIN; a statement; ROLLBACK): more than many requests' own work, and a
rollback in every count of transactions. A connection returned moments ago is as good
as the last statement it ran. If the database restarted meanwhile, the first statement
on a dead connection fails with a disconnect error, and SQLAlchemy then invalidates the
whole pool, so the connections that follow are new ones: what a restart costs is the
requests in flight at that moment (which fail under any check) and at most one more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine

# Firewalls and PostgreSQL's own idle timeouts take minutes; a restart is caught anyway.
IDLE_BEFORE_PING = 10.0
_RETURNED = "qsfund_returned_at"


def ping_when_idle(
    engine: AsyncEngine,
    idle_seconds: float = IDLE_BEFORE_PING,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Check a connection at checkout when it was idle over `idle_seconds`; a dead one
    is replaced by a new one (the pool tries again on DisconnectionError)."""
    pool_events = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool_events, "checkin")
    def returned(dbapi_connection: Any, record: Any) -> None:
        # `info` lives as long as the DBAPI connection: a new connection has no mark.
        if record is not None:
            record.info[_RETURNED] = clock()

    @event.listens_for(pool_events, "checkout")
    def taken(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED)
        if returned_at is None or clock() - returned_at < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(f"an idle connection was closed: {error}") from error
