"""Watching a run move through its stages: counts polled from the services' own
databases, with the moment each stage first moved and the moment it was complete."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

POLL_SECONDS = 0.5


@dataclass
class Stage:
    name: str
    expected: int
    count: int = 0
    first_at: float | None = None
    done_at: float | None = None

    def saw(self, count: int, at: float) -> None:
        self.count = count
        if count and self.first_at is None:
            self.first_at = at
        if count >= self.expected and self.done_at is None:
            self.done_at = at

    def line(self, started: float) -> str:
        if self.done_at is None:
            return f"{self.name:<44} not done: {self.count:,} of {self.expected:,}"
        busy = self.done_at - (self.first_at or started)
        rate = f"{self.expected / busy:>10,.0f} /s while busy" if busy > 0 else ""
        return f"{self.name:<44} done at {self.done_at - started:7.1f} s {rate}"


@dataclass
class Counted(Stage):
    """A stage whose count is a query on one service's database."""

    database: str = ""
    query: str = ""


class Progress:
    """Polls every counted stage until the ones that end the run are complete."""

    def __init__(self, stages: list[Counted], ending: list[Counted], stall_seconds: float):
        self.stages = stages
        self.ending = ending
        self.stall_seconds = stall_seconds
        self.engines: dict[str, AsyncEngine] = {}

    async def _count(self, stage: Counted) -> int:
        engine = self.engines.setdefault(
            stage.database, create_async_engine(stage.database, pool_size=2)
        )
        async with engine.connect() as conn:
            return int(await conn.scalar(text(stage.query)) or 0)

    async def watch(self) -> bool:
        """True once every ending stage is complete; False if nothing moved for
        `stall_seconds` (the run is stuck: its partial figures still print)."""
        last_change, last_counts = time.perf_counter(), [-1] * len(self.stages)
        try:
            while True:
                counts = [await self._count(stage) for stage in self.stages]
                now = time.perf_counter()
                for stage, count in zip(self.stages, counts, strict=True):
                    stage.saw(count, now)
                if all(stage.done_at is not None for stage in self.ending):
                    return True
                if counts != last_counts:
                    last_change, last_counts = now, counts
                elif now - last_change > self.stall_seconds:
                    return False
                await asyncio.sleep(POLL_SECONDS)
        finally:
            for engine in self.engines.values():
                await engine.dispose()
