"""The official lists' use cases: take a list (checked whole, idempotent by its id) and
match it to the register in the same transaction; a person's resolution of a unit; the
list's summary and its units. The rules are the domain's; this layer holds the
transactions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.eventstore import Cause, EventStore, StreamHead
from shared.rules.calendar import BEIJING

from .adapters import list_repository, repository
from .adapters.projection import project_many
from .domain.errors import Conflicting, NotFound
from .domain.lists import Resolution, received, resolve
from .domain.matching import RegisterIndex, fold, match_entries, units_of
from .domain.official_list import OfficialList, check_list
from .service import id_free


@dataclass
class OfficialListService:
    sessions: async_sessionmaker[AsyncSession]
    store: EventStore
    clock: Callable[[], datetime]

    def today(self) -> date:
        """Who is deregistered is decided by the district's (Beijing) day."""
        return self.clock().astimezone(BEIJING).date()

    async def receive(self, body: Any, body_sha256: str, cause: Cause) -> dict[str, Any]:
        """The list's summary: taken and matched now, or as first taken when its id was
        seen before with the same body."""
        # The pure work of a large list (a second or so for 10,000 entries) runs in a
        # thread, so the event loop still answers probes and reads meanwhile.
        taken = await asyncio.to_thread(check_list, body)
        async with self.sessions.begin() as session:
            await repository.one_load_at_a_time(session)
            earlier = await list_repository.recorded_list(session, taken.list_id, True)
            if earlier is not None:
                return _same_list(earlier, body_sha256)
            await id_free(session, "list_id", taken.list_id)
            codes, names = _named(taken)
            index = RegisterIndex(await list_repository.named_records(session, codes, names))
            matches = await asyncio.to_thread(match_entries, index, taken.entries, self.today())
            events = received(taken, cause.actor.id, body_sha256, matches)
            sealed = await self.store.append(session, StreamHead(), events, cause)
            await project_many(session, list(zip(sealed, events, strict=True)))
            answer = await list_repository.recorded_list(session, taken.list_id)
        assert answer is not None
        return answer

    async def resolve(self, asked: Resolution, cause: Cause) -> dict[str, Any]:
        """The unit as a person resolved it."""
        async with self.sessions.begin() as session:
            await list_repository.one_list_at_a_time(session, asked.list_id)
            state = await list_repository.unit_state(
                session, asked.list_id, asked.entry, asked.unit
            )
            if state is None:
                raise NotFound(
                    "unit",
                    "exists",
                    f"list {asked.list_id} has no unit {asked.unit} of entry {asked.entry}",
                )
            code = asked.credit_code
            record = await list_repository.record(session, code) if code else None
            event = resolve(state, asked, record, cause.actor.id, self.today())
            if event is not None:  # else the same decision again: answered as it stands
                head = await self.store.head(session, asked.list_id)
                sealed = await self.store.append(session, head, [event], cause)
                await project_many(session, [(sealed[0], event)])
            return await list_repository.one_unit(session, asked.list_id, asked.entry, asked.unit)

    async def summary(self, list_id: str) -> dict[str, Any]:
        async with self.sessions() as session:
            found = await list_repository.recorded_list(session, list_id)
        if found is None:
            raise NotFound("list_id", "exists", f"no official list {list_id}")
        return found

    async def units(
        self, list_id: str, state: str | None, after: tuple[int, int] | None, limit: int
    ) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            if not await list_repository.list_exists(session, list_id):
                raise NotFound("list_id", "exists", f"no official list {list_id}")
            return await list_repository.units_page(session, list_id, state, after, limit)


def _named(taken: OfficialList) -> tuple[list[str], list[str]]:
    """The credit codes and the folded names the list gives: what the register is
    searched for."""
    codes: set[str] = set()
    names: set[str] = set()
    for entry in taken.entries:
        for unit in units_of(entry):
            if unit.credit_code is not None:
                codes.add(unit.credit_code)
            else:
                names.add(fold(unit.name))
    return sorted(codes), sorted(names)


def _same_list(earlier: dict[str, Any], body_sha256: str) -> dict[str, Any]:
    if earlier["sha256"] != body_sha256:
        raise Conflicting(
            "list_id",
            "same_list",
            f"list {earlier['list_id']} was taken before with another body; use a new list id",
        )
    return earlier
