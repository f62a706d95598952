"""Sealing what is stored unsealed or under an older key: webhook secrets and the
idempotency answers that hold one.

At each start the service seals what is still in clear (rows from before sealing); the
`qsfund-notifications reencrypt` command reseals everything under the newest key, after
a key rotation, so the older key can then be dropped. Both run beside live instances:
rows are taken in small batches, locked with SKIP LOCKED so instances starting together
share the work, and each rewrite opens and seals the same secret, so whichever instance
writes last leaves a valid row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .answers import open_answer, seal_answer
from .sealing import PREFIX, SecretBox
from .tables import idempotency_key, webhook_secret

BATCH = 100


@dataclass(frozen=True)
class Resealed:
    secrets: int
    answers: int


async def reseal(
    sessions: async_sessionmaker[AsyncSession], box: SecretBox, *, every_key: bool
) -> Resealed:
    """Seal what is in clear; with `every_key`, also what an older key sealed."""
    wanted = f"{PREFIX}{box.newest}:%" if every_key else f"{PREFIX}%"
    secrets = answers = 0
    while batch := await _secrets(sessions, box, wanted):
        secrets += batch
    while batch := await _answers(sessions, box, wanted):
        answers += batch
    return Resealed(secrets, answers)


async def _secrets(sessions: async_sessionmaker[AsyncSession], box: SecretBox, wanted: str) -> int:
    async with sessions.begin() as session:
        rows = (
            await session.execute(
                select(webhook_secret.c.id, webhook_secret.c.webhook_id, webhook_secret.c.secret)
                .where(webhook_secret.c.secret.not_like(wanted))
                .order_by(webhook_secret.c.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for row in rows:
            secret = box.seal(box.open(row.secret, row.webhook_id), row.webhook_id)
            await session.execute(
                update(webhook_secret).where(webhook_secret.c.id == row.id).values(secret=secret)
            )
        return len(rows)


async def _answers(sessions: async_sessionmaker[AsyncSession], box: SecretBox, wanted: str) -> int:
    held: ColumnElement[str] = idempotency_key.c.response_body["secret"].astext
    async with sessions.begin() as session:
        rows = (
            await session.execute(
                select(
                    idempotency_key.c.principal,
                    idempotency_key.c.key,
                    idempotency_key.c.response_body,
                )
                .where(held.is_not(None), held.not_like(wanted))
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for row in rows:
            body = seal_answer(box, open_answer(box, row.response_body))
            await session.execute(
                update(idempotency_key)
                .where(
                    idempotency_key.c.principal == row.principal, idempotency_key.c.key == row.key
                )
                .values(response_body=body)
            )
        return len(rows)
