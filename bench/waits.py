"""What the services' database sessions are doing, sampled from pg_stat_activity: working,
waiting on a lock another transaction holds, or waiting for the service (idle in a
transaction while Python runs). Which of these dominates says whether a rate is bounded
by the database, by lock contention between transactions, or by the processes' CPU."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

SAMPLE_SECONDS = 0.1
QUERY = text(
    "SELECT datname, state, wait_event_type, wait_event FROM pg_stat_activity "
    "WHERE datname = ANY(:names) AND pid <> pg_backend_pid()"
)


def describe(state: str | None, wait_type: str | None, wait: str | None) -> str:
    if state == "active" and wait_type == "Lock":
        return f"waiting on a lock ({wait})"
    if state == "active" and wait_type not in (None, "Client"):
        return f"in PostgreSQL, waiting on {wait_type}:{wait}"
    if state == "active":
        return "in PostgreSQL, working"
    if state == "idle in transaction":
        return "in a transaction, waiting for the service"
    return "idle (no transaction)"


class WaitSampler:
    """Samples sessions of the given database URLs until stopped."""

    def __init__(self, server_url: str, database_urls: list[str]) -> None:
        self.server_url = server_url
        self.names = [make_url(url).database for url in database_urls]
        self.samples: Counter[str] = Counter()
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        engine = create_async_engine(self.server_url, pool_size=1)
        try:
            async with engine.connect() as conn:
                while True:
                    rows = await conn.execute(QUERY, {"names": self.names})
                    for _, state, wait_type, wait in rows:
                        self.samples[describe(state, wait_type, wait)] += 1
                    self.ticks += 1
                    await conn.rollback()  # a fresh snapshot of the statistics each time
                    await asyncio.sleep(SAMPLE_SECONDS)
        finally:
            await engine.dispose()

    def start(self) -> WaitSampler:
        self._task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> WaitSampler:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return self

    def lines(self) -> list[str]:
        """Sessions in each state on average, busiest states first."""
        ticks = self.ticks or 1
        return [
            f"  {state:<46} {count / ticks:5.1f} sessions"
            for state, count in self.samples.most_common()
        ]

    def share(self, prefix: str) -> float:
        """Of the sessions not idle, the fraction in states starting with `prefix`."""
        busy = {s: n for s, n in self.samples.items() if not s.startswith("idle")}
        total = sum(busy.values())
        return sum(n for s, n in busy.items() if s.startswith(prefix)) / total if total else 0.0
