"""The reports use cases: a report of a round or a year from the reporting facts, and
the rows its exports stream. Routes parse and delegate here."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.http.problems import Refused
from shared.rules.report.facts import ApplicationFacts
from shared.rules.report.figures import report
from shared.rules.report.policies import priorities
from shared.rules.report.shape import Report, Scope

from .adapters.repository import exported_rows, round_year, year_facts


class ReportsService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def report(self, scope: Scope) -> Report:
        """The scope's report; a round not (yet) known answers 404."""
        async with self.sessions() as session:
            if scope.kind == "round":
                year = await round_year(session, scope.round_id or "")
                if year is None:
                    raise Refused(404, "round_id", "not_found", "no round of that id is known")
                scope = scope.model_copy(update={"year": year})
            rounds, applications = await year_facts(session, scope.year)
        return report(scope, rounds, applications, priorities(rounds))

    def rows(self, made: Report) -> AsyncIterator[ApplicationFacts]:
        """The applications the report counted, one by one, for an export."""
        ids = [r.round_id for r in made.rounds]
        return exported_rows(self.sessions, made.scope, ids)
