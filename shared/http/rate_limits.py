"""Limits per caller (issue 19, item 2): so many requests a minute per token subject, and
per client address on the routes that take no token (publicity's list and objections,
the probes). Over the limit a request gets 429 with `Retry-After`, in the problem+json
shape, before any of its work is done: a request admitted is never dropped later.

The counts are shared by a service's instances through the service's own database
(table `rate_limit_count`, one row per key and window), synced every half second by
each instance (shared/http/rate_window.py says how, and how far instances can
overshoot); the decision itself is made in memory, so a request pays no database trip.
If the database cannot be reached, each instance goes on limiting by what it counted
itself, and adds it when the database is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.http import principal_of
from shared.auth.principal import Principal

from .openapi import install_responses
from .problems import problem, problem_response
from .rate_settings import RateLimitSettings
from .rate_window import Windows

log = logging.getLogger(__name__)
TABLE = "rate_limit_count"


def rate_limit_table(metadata: MetaData) -> Table:
    return Table(
        TABLE,
        metadata,
        Column("key", String(300), primary_key=True),
        # The window's number: seconds since the epoch divided by the window's length.
        Column("window", BigInteger, primary_key=True),
        Column("count", Integer, nullable=False),
    )


class RateLimited(Exception):
    def __init__(self, kind: str, limit: int, window_seconds: int, retry_after: int) -> None:
        self.retry_after = retry_after
        who = "this token's subject" if kind == "subject" else "this address"
        self.message = (
            f"more than {limit} requests in {window_seconds} s from {who}; "
            f"try again in {retry_after} s"
        )
        super().__init__(self.message)


@dataclass
class RateLimiter:
    windows: Windows
    table: Table
    sessions: async_sessionmaker[AsyncSession]
    sync_seconds: float
    clock: Callable[[], float] = time.time

    @classmethod
    def from_settings(
        cls, settings: RateLimitSettings, table: Table, sessions: async_sessionmaker[AsyncSession]
    ) -> RateLimiter:
        limits = {
            "subject": settings.qsfund_rate_limit_per_subject,
            "address": settings.qsfund_rate_limit_per_address,
        }
        windows = Windows(limits, settings.qsfund_rate_limit_window_seconds)
        return cls(windows, table, sessions, settings.qsfund_rate_limit_sync_seconds)

    async def check(self, principal: Principal | None, address: str) -> None:
        kind, who = ("subject", principal.subject) if principal else ("address", address)
        key, now = f"{kind}:{who}", self.clock()
        if not self.windows.knows(key, now):
            await self._read_shared(key, self.windows.window_at(now))
        retry_after = self.windows.admit(kind, key, now)
        if retry_after is not None:
            limit = self.windows.limit_of[kind]
            raise RateLimited(kind, limit, self.windows.window_seconds, retry_after)

    async def _read_shared(self, key: str, window: int) -> None:
        """A caller's first request in a window here: what the other instances counted
        (one read a caller a window). Unreadable, this instance counts alone for now."""
        table = self.table
        query = select(table.c.count).where(table.c.key == key, table.c.window == window)
        try:
            async with self.sessions() as session:
                shared = (await session.execute(query)).scalar_one_or_none()
        except (SQLAlchemyError, OSError) as error:
            log.warning("rate limit count of %s not read: %s", key, error)
            return
        self.windows.learn(key, window, shared or 0)

    async def sync(self) -> None:
        """Add what this instance admitted to the shared counts and read the totals."""
        taken = self.windows.take_pending()
        if not taken:
            return
        table = self.table
        totals: list[tuple[str, int, int, int]] = []
        try:
            async with self.sessions.begin() as session:
                for key, window, pending in taken:
                    add = insert(table).values(key=key, window=window, count=pending)
                    upsert = add.on_conflict_do_update(
                        index_elements=[table.c.key, table.c.window],
                        set_={"count": table.c.count + add.excluded.count},
                    ).returning(table.c.count)
                    total = (await session.execute(upsert)).scalar_one()
                    totals.append((key, window, pending, total))
            for key, window, added, total in totals:
                self.windows.synced(key, window, added, total)
        except (SQLAlchemyError, OSError) as error:
            self.windows.give_back(taken)
            log.warning("rate limit counts not synced (kept for the next sync): %s", error)

    async def purge(self) -> None:
        """Windows two past are of no use to anyone."""
        current = self.windows.window_at(self.clock())
        self.windows.forget_before(current)
        async with self.sessions.begin() as session:
            await session.execute(delete(self.table).where(self.table.c.window < current - 1))

    async def run(self) -> None:
        """The sync loop, a service's background task."""
        syncs = 0
        while True:
            await asyncio.sleep(self.sync_seconds)
            await self.sync()
            syncs += 1
            if syncs % 120 == 0:
                with contextlib.suppress(SQLAlchemyError, OSError):
                    await self.purge()


async def within_rate(request: Request) -> None:
    """An app dependency after authorization (the caller `authorize` found): the caller's
    subject is the key, or the client's address where no token is taken."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None:
        principal = await principal_of(request)
        await limiter.check(principal, request.client.host if request.client else "unknown")


RATE_LIMITED = Depends(within_rate)


async def _refused(_: Request, error: RateLimited) -> JSONResponse:
    item = {"field": "rate", "rule": "rate_limited", "message": error.message}
    return problem(429, error.message, [item], headers={"Retry-After": str(error.retry_after)})


# The limit is an app-wide dependency, so every operation of every service may answer it.
TOO_MANY_REQUESTS = problem_response(
    "too many requests (rule rate_limited): over the limit a minute per token subject, "
    "or per client address where no token is taken (and a route's own, such as "
    "objections per objector); retry after Retry-After seconds",
    headers={
        "Retry-After": {
            "description": "seconds until the window ends, when the caller may try again",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
)


def install_rate_limits(app: FastAPI, limiter: RateLimiter) -> None:
    """The app's limiter, its 429 answer, and that answer in every operation's document."""
    app.state.rate_limiter = limiter
    app.add_exception_handler(RateLimited, _refused)  # type: ignore[arg-type]
    install_responses(app, lambda method, path: {"429": TOO_MANY_REQUESTS})
