"""The register's read side from its own events: the same fold every copy of the
register makes (shared/register_copy.py), into this service's tables, and the official
lists matched to it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.envelope import Envelope
from shared.register_copy import record_register

from .list_projection import record_lists
from .tables import register


async def project_many(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    await record_register(session, register, events)
    await record_lists(session, events)
