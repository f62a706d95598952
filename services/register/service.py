"""The register's use cases: take a load (idempotent by its id), read an enterprise.
The rows' rules are domain/rows.py's; this layer holds the transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.eventstore import Cause, EventStore, StreamHead

from .adapters import repository
from .adapters.projection import project_many
from .domain.errors import Conflicting, NotFound
from .domain.load import accept
from .domain.rows import check_rows


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass
class RegisterService:
    sessions: async_sessionmaker[AsyncSession]
    store: EventStore
    clock: Callable[[], datetime]

    async def load(
        self, load_id: str, body_sha256: str, rows: Callable[[], Iterable[Any]], cause: Cause
    ) -> dict[str, Any]:
        """The load's answer: taken now, or as first taken when its id was seen before
        with the same body. `rows` reads the body's rows, only when the load is new."""
        async with self.sessions.begin() as session:
            await repository.one_load_at_a_time(session)
            earlier = await repository.recorded_load(session, load_id)
            if earlier is not None:
                return _same_load(earlier, body_sha256)
            await id_free(session, "load_id", load_id)
            events = accept(load_id, cause.actor.id, body_sha256, check_rows(rows()))
            sealed = await self.store.append(session, StreamHead(), events, cause)
            await project_many(session, list(zip(sealed, events, strict=True)))
            answer = await repository.recorded_load(session, load_id)
        assert answer is not None
        return answer

    async def enterprise(self, credit_code: str) -> dict[str, Any]:
        async with self.sessions() as session:
            row = await repository.enterprise_row(session, credit_code)
        if row is None:
            raise NotFound("credit_code", "exists", f"the register holds no {credit_code}")
        return row


async def id_free(session: AsyncSession, field: str, stream_id: str) -> None:
    """A load's or a list's id is not another stream's already."""
    taken = await repository.stream_type(session, stream_id)
    if taken is not None:
        raise Conflicting(field, "id_free", f"{stream_id} is the id of a {taken}; use another id")


def _same_load(earlier: dict[str, Any], body_sha256: str) -> dict[str, Any]:
    if earlier["sha256"] != body_sha256:
        raise Conflicting(
            "load_id",
            "same_load",
            f"load {earlier['load_id']} was taken before with other rows; use a new load id",
        )
    return earlier
