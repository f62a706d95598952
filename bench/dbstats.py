"""Transactions and rows of each service's database over a measurement, from
pg_stat_database: how many transactions a unit of work costs is what batching changes.
The rollbacks include the connection pool's check of a connection idle for long
(shared/pool.py); a read answered without a transaction counts a commit a statement."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

COLUMNS = ("xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_fetched")
QUERY = text(
    f"SELECT datname, {', '.join(COLUMNS)} FROM pg_stat_database WHERE datname = ANY(:names)"
)


@dataclass
class DatabaseMeter:
    server_url: str
    databases: dict[str, str]  # service: database URL
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    async def _sample(self) -> dict[str, dict[str, int]]:
        names = {make_url(url).database: service for service, url in self.databases.items()}
        engine = create_async_engine(self.server_url, pool_size=1)
        try:
            async with engine.connect() as conn:
                # Statistics reach the view within a second or so (stats_fetch_consistency
                # aside): a small lag at each end of a long measurement.
                await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
                rows = await conn.execute(QUERY, {"names": list(names)})
                return {names[row[0]]: dict(zip(COLUMNS, row[1:], strict=True)) for row in rows}
        finally:
            await engine.dispose()

    async def start(self) -> DatabaseMeter:
        self.counts = {s: {c: -n for c, n in v.items()} for s, v in (await self._sample()).items()}
        return self

    async def stop(self) -> DatabaseMeter:
        for service, values in (await self._sample()).items():
            for column, n in values.items():
                self.counts[service][column] += n
        return self

    def per_unit(self, units: int, unit: str) -> list[str]:
        lines = []
        for service, c in self.counts.items():
            lines.append(
                f"  {service:<34} {c['xact_commit'] / units:5.1f} commits, "
                f"{c['xact_rollback'] / units:5.1f} rollbacks, "
                f"{(c['tup_inserted'] + c['tup_updated']) / units:5.1f} rows written {unit}"
            )
        return lines
