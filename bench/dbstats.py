"""Transactions and rows of each service's database over a measurement, from
pg_stat_database: how many transactions a unit of work costs is what batching changes.
The rollbacks include the connection pool's check of a connection idle for long
(shared/pool.py); a read answered without a transaction counts a commit a statement.

Where the server loads pg_stat_statements (deploy/local/postgres.sh does), the
statements each unit cost too, and the most frequent of them: the round trips a change
removes show there before they show in CPU on a busy machine."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

COLUMNS = ("xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_fetched")
QUERY = text(
    f"SELECT datname, {', '.join(COLUMNS)} FROM pg_stat_database WHERE datname = ANY(:names)"
)

STATEMENTS = text(
    "SELECT d.datname, s.query, sum(s.calls), sum(s.total_exec_time)"
    " FROM pg_stat_statements s"
    " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = ANY(:names)"
    " GROUP BY d.datname, s.query"
)
TOP_STATEMENTS = int(os.environ.get("BENCH_TOP_STATEMENTS", "5"))


@dataclass
class DatabaseMeter:
    server_url: str
    databases: dict[str, str]  # service: database URL
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # service: statement text: calls; empty where pg_stat_statements is not loaded.
    statements: dict[str, Counter[str]] = field(default_factory=dict)
    # service: milliseconds PostgreSQL spent executing its statements (lock waits
    # included): this benchmark's own share of a server other work may share.
    executing: dict[str, float] = field(default_factory=dict)

    async def _sample(
        self,
    ) -> tuple[dict[str, dict[str, int]], dict[str, Counter[str]], dict[str, float]]:
        names = {make_url(url).database: service for service, url in self.databases.items()}
        engine = create_async_engine(self.server_url, pool_size=1)
        try:
            async with engine.connect() as conn:
                # Statistics reach the view within a second or so (stats_fetch_consistency
                # aside): a small lag at each end of a long measurement.
                await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
                rows = await conn.execute(QUERY, {"names": list(names)})
                counts = {names[row[0]]: dict(zip(COLUMNS, row[1:], strict=True)) for row in rows}
                statements: dict[str, Counter[str]] = {}
                executing: dict[str, float] = {}
                if await conn.scalar(text("SELECT to_regclass('pg_stat_statements')")):
                    for datname, query, calls, ms in await conn.execute(
                        STATEMENTS, {"names": list(names)}
                    ):
                        service = names[datname]
                        statements.setdefault(service, Counter())[query] += int(calls)
                        executing[service] = executing.get(service, 0.0) + float(ms)
                return counts, statements, executing
        finally:
            await engine.dispose()

    async def start(self) -> DatabaseMeter:
        counts, statements, executing = await self._sample()
        self.counts = {s: {c: -n for c, n in v.items()} for s, v in counts.items()}
        self.statements = {s: Counter({q: -n for q, n in v.items()}) for s, v in statements.items()}
        self.executing = {s: -ms for s, ms in executing.items()}
        return self

    async def stop(self) -> DatabaseMeter:
        counts, statements, executing = await self._sample()
        for service, ms in executing.items():
            self.executing[service] = self.executing.get(service, 0.0) + ms
        for service, values in counts.items():
            for column, n in values.items():
                self.counts[service][column] += n
        for service, calls in statements.items():
            self.statements.setdefault(service, Counter()).update(calls)
        return self

    def per_unit(self, units: int, unit: str) -> list[str]:
        lines = []
        for service, c in self.counts.items():
            lines.append(
                f"  {service:<34} {c['xact_commit'] / units:5.1f} commits, "
                f"{c['xact_rollback'] / units:5.1f} rollbacks, "
                f"{(c['tup_inserted'] + c['tup_updated']) / units:5.1f} rows written {unit}"
            )
            lines += self._statement_lines(service, units)
        return lines

    def _statement_lines(self, service: str, units: int) -> list[str]:
        calls = +self.statements.get(service, Counter())  # + drops the statements not run
        if not calls:
            return []
        executing = self.executing.get(service, 0.0) / units
        lines = [
            f"    {sum(calls.values()) / units:5.1f} statements, {executing:.2f} ms executing them"
            " (lock waits included)" + ("; the most frequent:" if TOP_STATEMENTS else "")
        ]
        for query, n in calls.most_common(TOP_STATEMENTS):
            lines.append(f"    {n / units:5.2f}  {' '.join(query.split())[:100]}")
        return lines
