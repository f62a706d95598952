"""What the consumer records for events that name no applicant: a round's events to every
portal's webhook, and a proposal to its enterprise's latest contact."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ARRAY, DateTime, String, Uuid, any_, cast, column, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.envelope import Envelope

from ..domain.delivery import PENDING
from .recording import COLUMNS, Email
from .tables import notification, recipient, webhook


async def record_round_webhooks(session: AsyncSession, emails: Sequence[Email]) -> None:
    """A round's event, to every webhook registered for its type when it occurred,
    whichever platform registered it: the published list is public by nature. So is a
    proposal to any platform serving enterprises (its round named, no application).

    One statement for all the events (a list of 10,000 entries makes 20,000 proposals):
    the events as arrays, unnested and joined with the webhooks."""
    if not emails:
        return
    events = (
        func.unnest(
            literal([e.envelope.event_id for e in emails], ARRAY(Uuid)),
            literal([e.envelope.event_type for e in emails], ARRAY(String)),
            literal([e.envelope.occurred_at for e in emails], ARRAY(DateTime(timezone=True))),
            literal([e.message.subject for e in emails], ARRAY(String)),
            literal([e.message.summary for e in emails], ARRAY(String)),
            literal([_round_of(e.envelope) for e in emails], ARRAY(String)),
        )
        .table_valued(
            column("event_id", Uuid),
            column("event_type", String),
            column("occurred_at", DateTime(timezone=True)),
            column("subject", String),
            column("summary", String),
            column("round_id", String),
        )
        .render_derived()
        .alias("due")
    )
    to_each = (
        select(
            func.gen_random_uuid(),
            events.c.event_id,
            literal(""),
            events.c.event_type,
            events.c.occurred_at,
            literal("webhook"),
            cast(webhook.c.id, String),
            events.c.subject,
            events.c.summary,
            literal(PENDING),
            events.c.round_id,
        )
        .select_from(events)
        .join(webhook, events.c.event_type == any_(webhook.c.event_types))
        .where(
            webhook.c.created_at <= events.c.occurred_at,
            or_(webhook.c.deleted_at.is_(None), webhook.c.deleted_at > events.c.occurred_at),
        )
    )
    columns = [*COLUMNS, "round_id"]
    await session.execute(
        insert(notification).from_select(columns, to_each).on_conflict_do_nothing()
    )


def _round_of(envelope: Envelope) -> str:
    """The round a broadcast names: a proposal's round, or the round's own event."""
    return str(envelope.payload.get("round_id", envelope.aggregate_id))


async def latest_contacts(session: AsyncSession, codes: Sequence[str]) -> dict[str, str]:
    """Each enterprise's contact as its most recent application gave it, where qsfund
    has one (the register holds no e-mail)."""
    if not codes:
        return {}
    rows = await session.execute(
        select(recipient.c.credit_code, recipient.c.email)
        .where(recipient.c.credit_code == any_(literal(list(codes), ARRAY(String))))
        .order_by(recipient.c.credit_code, recipient.c.given_at.desc())
        .distinct(recipient.c.credit_code)
    )
    return {code: email for code, email in rows}
