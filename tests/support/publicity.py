"""A round through to its published list, as the publicity tests and the auditor's
publicity tests both drive it, on a clock of the test module's own.

The services read their clock from QSFUND_TEST_CLOCK_FILE (shared/clock.py): set to a
Monday of 2026 and moved past the period's five working days, so the tests depend
neither on the date they run on nor on days passing."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.support.credit_codes import credit_codes
from tests.support.program import CLAIMS, Program

# 10:00 on Monday 1 June 2026 in Beijing: five working days run to Monday 8 June.
MONDAY = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
PERIOD_ENDS = datetime(2026, 6, 8, 16, 0, tzinfo=UTC)  # midnight after 8 June, Beijing


class MovableClock:
    """Moves the services' clock by rewriting the file they read it from."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def set(self, moment: datetime) -> None:
        offset = (moment - datetime.now(UTC)).total_seconds()
        temporary = self.path.with_suffix(".new")
        temporary.write_text(str(offset))
        os.replace(temporary, self.path)

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=float(self.path.read_text()))


def at_monday(path: Path) -> MovableClock:
    clock = MovableClock(path)
    clock.set(MONDAY)
    return clock


def standard(number: str) -> dict[str, Any]:
    """The stock national standard claim (300,000 yuan, score 110), of this number."""
    return {**CLAIMS["national_standard"], "standard_number": number}


async def published_four(
    program: Program, public: httpx.AsyncClient, clock: MovableClock, seed: int, series: int
) -> tuple[str, dict[str, str]]:
    """A round of four claims whose budget funds the first two: A and B lead a national
    standard each (300,000 yuan, score 110), C a municipal pilot (300,000), D adopts a
    standard (20,000). Allocated by rank, 650,000 yuan funds A and B and stops at C; the
    list is published for five working days from MONDAY."""
    codes = iter(credit_codes(seed=seed))
    now = clock.now()
    round_id = await program.open_round(
        budget=650_000,
        opens_at=(now - timedelta(hours=1)).isoformat(),
        closes_at=(now + timedelta(days=30)).isoformat(),
        publicity_day_kind="working",
    )
    ids = {
        "A": await program.submit(round_id, next(codes), standard(f"GB/T {series}1")),
        "B": await program.submit(round_id, next(codes), standard(f"GB/T {series}2")),
        "C": await program.submit(round_id, next(codes), CLAIMS["pilot"]),
        "D": await program.submit(round_id, next(codes), CLAIMS["adoption"]),
    }
    for application_id in ids.values():
        await program.review(application_id)
    await program.close(round_id)
    await published_list(public, round_id, revision=1)
    return round_id, ids


async def published_list(public: httpx.AsyncClient, round_id: str, revision: int) -> dict[str, Any]:
    """The public list once it has reached `revision` (at most 30 s)."""
    for _ in range(120):
        response = await public.get(f"/v1/public/rounds/{round_id}/list")
        if response.status_code == 200 and response.json()["revision"] >= revision:
            listed: dict[str, Any] = response.json()
            return listed
        await asyncio.sleep(0.25)
    raise AssertionError(f"list revision {revision} of round {round_id} never published")


def objection(application_id: str, **objector: Any) -> dict[str, Any]:
    """A person's written objection, with its evidence; `objector` changes who."""
    who = {"kind": "person", "name": "Zhang Wei", "email": "zhang.wei@example.cn"} | objector
    return {
        "application_id": application_id,
        "objector": who,
        "grounds": "The standard's foreword names another enterprise as its first drafter.",
        "evidence": [{"name": "foreword.pdf", "size_bytes": 2048, "sha256": "a" * 64}],
    }
