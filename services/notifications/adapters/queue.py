"""The notification table as a work queue: claim a batch of what is due, then settle the
batch (its attempts logged, its rows updated) in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    DateTime,
    Integer,
    SmallInteger,
    String,
    Text,
    Uuid,
    bindparam,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from ..domain.delivery import PARKED, PENDING, SENT, Endpoint
from ..domain.settlement import Settled
from .tables import (
    delivery_attempt,
    notification,
    objector,
    recipient,
    webhook,
    webhook_secret,
)
from .unnest import arrays, unnested


@dataclass(frozen=True)
class Due:
    """A claimed notification with what is known now of where it goes."""

    id: UUID
    event_id: UUID
    application_id: str
    event_type: str
    occurred_at: datetime
    channel: str
    subject: str
    summary: str
    attempts: int
    recipient_waits: int
    round_id: str | None
    email: str | None
    # The registered webhook a webhook notification goes to; None for email (and for
    # rows of the retired per-application URLs).
    endpoint: Endpoint | None = None
    # Its id: the associated data its sealed secrets open with.
    webhook_id: UUID | None = None


_n = notification
# A webhook's secrets valid now (sealed), newest first.
_secrets = (
    select(func.array_agg(aggregate_order_by(webhook_secret.c.secret, webhook_secret.c.id.desc())))
    .where(
        webhook_secret.c.webhook_id == webhook.c.id,
        or_(webhook_secret.c.retire_at.is_(None), webhook_secret.c.retire_at > func.now()),
    )
    .scalar_subquery()
)
_CLAIM = (
    select(
        _n.c.id,
        _n.c.event_id,
        _n.c.application_id,
        _n.c.event_type,
        _n.c.occurred_at,
        _n.c.channel,
        _n.c.subject,
        _n.c.summary,
        _n.c.attempts,
        _n.c.recipient_waits,
        _n.c.round_id,
        # An objector's email goes to the objector (never, lacking its address, to the
        # applicant), any other to the applicant.
        case(
            (_n.c.target.startswith("objector:"), objector.c.email),
            else_=recipient.c.email,
        ).label("email"),
        webhook.c.id.label("webhook_id"),
        webhook.c.url,
        webhook.c.deleted_at,
        _secrets.label("secrets"),
    )
    .outerjoin(recipient, recipient.c.application_id == _n.c.application_id)
    .outerjoin(objector, _n.c.target == "objector:" + objector.c.objection_id)
    # The webhook as it is now; '' (a retired per-application URL) matches none.
    .outerjoin(webhook, (_n.c.channel == "webhook") & (cast(webhook.c.id, String) == _n.c.target))
    # The database's clock, the one that stamped due_at on rows the consumer wrote.
    .where(_n.c.status == PENDING, _n.c.due_at <= func.now())
    .order_by(_n.c.due_at)
    .limit(bindparam("batch", type_=Integer))
    .with_for_update(of=_n, skip_locked=True)
)


async def claim_due(session: AsyncSession, limit: int) -> list[Due]:
    """Lock up to `limit` notifications due first, skipping those another worker holds."""
    claimed = await session.execute(_CLAIM, {"batch": limit})
    return [_due(row._mapping) for row in claimed]


def _due(row: Any) -> Due:
    values = dict(row)
    url, deleted_at, secrets = values.pop("url"), values.pop("deleted_at"), values.pop("secrets")
    endpoint = None
    if url is not None:
        endpoint = Endpoint(url, tuple(secrets or ()), deleted=deleted_at is not None)
    return Due(**values, endpoint=endpoint)


_TIME: TypeEngine[Any] = DateTime(timezone=True)
_SETTLED: tuple[tuple[str, TypeEngine[Any]], ...] = (
    ("id", Uuid()),
    ("status", String()),
    ("attempts", SmallInteger()),
    ("recipient_waits", Integer()),
    ("due_at", _TIME),
    ("last_error", Text()),
    ("sent_at", _TIME),
    ("attempt", SmallInteger()),
    ("started_at", _TIME),
    ("finished_at", _TIME),
    ("outcome", String()),
    ("error", Text()),
    ("reply", Text()),
    ("http_status", SmallInteger()),
)


_LOGGED = ["notification_id", "attempt", "started_at", "finished_at", "outcome"]
_LOGGED += ["error", "reply", "http_status"]


async def settle(session: AsyncSession, batch: Sequence[tuple[UUID, Settled]]) -> None:
    """Write back a claimed batch: each attempt logged and each row updated, in one
    statement whatever the batch's size (the rows as arrays, unnested)."""
    if batch:
        rows = [_row(notification_id, settled) for notification_id, settled in batch]
        await session.execute(_SETTLE, arrays(_SETTLED, "settled", rows))


_s = select(*unnested(_SETTLED, "settled").c).cte("settled").c
_tried = select(_s.id, _s.attempt, _s.started_at, _s.finished_at, _s.outcome)
_tried = _tried.add_columns(_s.error, _s.reply, _s.http_status).where(_s.attempt.is_not(None))
_SETTLE = (
    update(_n)
    .add_cte(insert(delivery_attempt).from_select(_LOGGED, _tried).cte("logged"))
    .where(_n.c.id == _s.id)
    .values(
        status=_s.status,
        attempts=_s.attempts,
        recipient_waits=_s.recipient_waits,
        due_at=func.coalesce(_s.due_at, _n.c.due_at),
        last_error=func.coalesce(_s.last_error, _n.c.last_error),
        sent_at=func.coalesce(_s.sent_at, _n.c.sent_at),
    )
)


def _row(notification_id: UUID, settled: Settled) -> tuple[Any, ...]:
    tried = settled.attempt
    result = tried.result if tried is not None else None
    return (
        notification_id,
        settled.status,
        settled.attempts,
        settled.recipient_waits,
        settled.due_at,
        settled.last_error,
        settled.sent_at,
        tried.number if tried else None,
        tried.started_at if tried else None,
        tried.finished_at if tried else None,
        (SENT if result.ok else "failed") if result else None,
        result.error if result else None,
        result.reply if result else None,
        result.http_status if result else None,
    )


async def retry_parked(session: AsyncSession, notification_id: UUID) -> bool:
    """Put a parked notification back to pending, due now, counters reset; False if it
    is not parked."""
    result = await session.execute(
        update(notification)
        .where(notification.c.id == notification_id, notification.c.status == PARKED)
        .values(status=PENDING, attempts=0, recipient_waits=0, due_at=func.now())
        .returning(notification.c.id)
    )
    return result.first() is not None
