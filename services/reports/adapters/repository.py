"""Reading the reporting facts: a year's rounds, their applications, and the rows an
export streams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.rules.report.facts import (
    APPLICATION_COLUMNS,
    ROUND_COLUMNS,
    ApplicationFacts,
    RoundFacts,
)
from shared.rules.report.shape import Scope

from .tables import report_application, report_round

# Rows an export fetches from the database at a time: its memory stays this size.
EXPORT_CHUNK = 1000


def _round(row: Any) -> RoundFacts:
    return RoundFacts(**{name: row[name] for name in ROUND_COLUMNS})


def _application(row: Any) -> ApplicationFacts:
    return ApplicationFacts(**{name: row[name] for name in APPLICATION_COLUMNS})


async def round_year(session: AsyncSession, round_id: str) -> int | None:
    """The year of a round whose opening has been read; None otherwise."""
    found = await session.scalar(
        select(report_round.c.year).where(
            report_round.c.round_id == round_id, report_round.c.name != ""
        )
    )
    return None if found is None else int(found)


async def year_facts(
    session: AsyncSession, year: int
) -> tuple[list[RoundFacts], list[ApplicationFacts]]:
    """Every round of the year and every application in them."""
    rounds = await session.execute(select(report_round).where(report_round.c.year == year))
    found = [_round(row) for row in rounds.mappings()]
    ids = [r.round_id for r in found]
    rows = await session.execute(
        select(report_application).where(report_application.c.round_id.in_(ids))
    )
    return found, [_application(row) for row in rows.mappings()]


async def exported_rows(
    sessions: async_sessionmaker[AsyncSession], scope: Scope, round_ids: list[str]
) -> AsyncIterator[ApplicationFacts]:
    """The scope's applications, filtered, in id order, read a chunk at a time."""
    query = select(report_application).where(report_application.c.round_id.in_(round_ids))
    if scope.category is not None:
        query = query.where(report_application.c.category == scope.category)
    if scope.level is not None:
        query = query.where(report_application.c.level == scope.level)
    query = query.order_by(report_application.c.application_id)
    async with sessions() as session:
        result = await session.stream(query.execution_options(yield_per=EXPORT_CHUNK))
        async for row in result.mappings():
            yield _application(row)
