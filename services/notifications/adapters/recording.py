"""What the consumer writes: recipients and the notifications due, in its transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    DateTime,
    String,
    Uuid,
    any_,
    cast,
    column,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from shared.envelope import Envelope

from ..domain.delivery import PENDING
from ..domain.messages import Message
from ..domain.payment_messages import Tranche
from .tables import notification, objector, payment_tranche, recipient, webhook
from .unnest import unnested


@dataclass(frozen=True)
class Recipient:
    application_id: str
    email: str
    platform: str | None
    credit_code: str | None = None
    given_at: datetime | None = None


@dataclass(frozen=True)
class Email:
    envelope: Envelope
    message: Message
    # '' for the applicant; an objector's is `objector_target(objection_id)`.
    target: str = ""


@dataclass(frozen=True)
class Objector:
    objection_id: str
    application_id: str
    email: str


def objector_target(objection_id: str) -> str:
    return f"objector:{objection_id}"


async def record(
    session: AsyncSession,
    application_ids: Sequence[str],
    recipients: Sequence[Recipient],
    objectors: Sequence[Objector],
    emails: Sequence[Email],
) -> None:
    """Lock the applications, remember their contacts and objectors and record their
    emails, in one statement.

    The locks serialise this transaction with others about the same applications until
    commit: the topics are consumed concurrently, and without them a scoring event's
    email row and the ApplicationSubmitted that names the platform could each miss the
    other in `extend_to_webhooks`, the next statement, whose snapshot is taken once they
    are held. They are taken in one order, so two transactions never wait on each other
    for them; the writes are the statement's WITH clauses, run after its locks.
    """
    keys = sorted({_lock_key(application_id) for application_id in application_ids})
    writes = [
        write.cte(name)
        for name, write, rows in (
            ("recipients", _remembering(recipients), recipients),
            ("objectors", _objecting(objectors), objectors),
            ("emails", _recording(emails), emails),
        )
        if rows
    ]
    locks = select(func.pg_advisory_xact_lock(func.unnest(literal(keys, ARRAY(BigInteger)))))
    await session.execute(locks.add_cte(*writes))


def _lock_key(application_id: str) -> int:
    # A stable signed 64-bit key of our own: the order taken must be known before asking.
    return int.from_bytes(
        hashlib.blake2b(application_id.encode(), digest_size=8).digest(), "big", signed=True
    )


async def remember_recipients(session: AsyncSession, recipients: Sequence[Recipient]) -> None:
    if recipients:
        await session.execute(_remembering(recipients))


async def record_emails(session: AsyncSession, emails: Sequence[Email]) -> None:
    if emails:
        await session.execute(_recording(emails))


def _remembering(recipients: Sequence[Recipient]) -> Insert:
    """Each application's contact, later events overwriting earlier ones; its platform only
    from the submission (an amendment does not name it, and leaves it as it was)."""
    latest: dict[str, Recipient] = {}
    for given in recipients:  # as upserting them one by one would leave them
        before = latest.get(given.application_id)
        if before is not None and given.platform is None:
            given = replace(given, platform=before.platform)
        latest[given.application_id] = given
    rows = unnested(
        _RECIPIENT,
        [
            (r.application_id, r.email, r.platform, r.credit_code, r.given_at)
            for r in latest.values()
        ],
    )
    new = insert(recipient).from_select([name for name, _ in _RECIPIENT], select(*rows.c))
    return new.on_conflict_do_update(
        index_elements=[recipient.c.application_id],
        set_={
            "email": new.excluded.email,
            "platform": func.coalesce(new.excluded.platform, recipient.c.platform),
            "credit_code": new.excluded.credit_code,
            "given_at": new.excluded.given_at,
        },
    )


def _objecting(objectors: Sequence[Objector]) -> Insert:
    rows = unnested(_OBJECTOR, [(o.objection_id, o.application_id, o.email) for o in objectors])
    new = insert(objector).from_select([name for name, _ in _OBJECTOR], select(*rows.c))
    return new.on_conflict_do_nothing()


def _recording(emails: Sequence[Email]) -> Insert:
    rows = unnested(
        _EMAIL,
        [
            (
                e.envelope.event_id,
                e.envelope.aggregate_id,
                e.envelope.event_type,
                e.envelope.occurred_at,
                e.target,
                e.message.subject,
                e.message.summary,
            )
            for e in emails
        ],
    )
    r = rows.c
    due = select(
        func.gen_random_uuid(),
        r.event_id,
        r.application_id,
        r.event_type,
        r.occurred_at,
        literal("email"),
        r.target,
        r.subject,
        r.summary,
        literal(PENDING),
    )
    return insert(notification).from_select(_COLUMNS, due).on_conflict_do_nothing()


_TEXT: TypeEngine[Any] = String()
_TIME: TypeEngine[Any] = DateTime(timezone=True)
_RECIPIENT = (
    ("application_id", _TEXT),
    ("email", _TEXT),
    ("platform", _TEXT),
    ("credit_code", _TEXT),
    ("given_at", _TIME),
)
_OBJECTOR = (("objection_id", _TEXT), ("application_id", _TEXT), ("email", _TEXT))
_EMAIL = (
    ("event_id", Uuid()),
    ("application_id", _TEXT),
    ("event_type", _TEXT),
    ("occurred_at", _TIME),
    ("target", _TEXT),
    ("subject", _TEXT),
    ("summary", _TEXT),
)


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


async def remember_tranches(session: AsyncSession, tranches: Sequence[Tranche]) -> None:
    if not tranches:
        return
    await session.execute(
        insert(payment_tranche).on_conflict_do_nothing(),
        [
            {
                "instruction_id": t.instruction_id,
                "application_id": t.application_id,
                "tranche": t.tranche,
                "tranches": t.tranches,
                "amount_yuan": t.amount_yuan,
                "account_last_four": t.account_last_four,
            }
            for t in tranches
        ],
    )


async def tranches(session: AsyncSession, instruction_ids: Sequence[str]) -> dict[str, Tranche]:
    """The instructions remembered of those named, by id; an unknown one is left out."""
    if not instruction_ids:
        return {}
    rows = await session.execute(
        select(payment_tranche).where(payment_tranche.c.instruction_id.in_(instruction_ids))
    )
    return {row.instruction_id: Tranche(**row._mapping) for row in rows}


async def extend_to_webhooks(session: AsyncSession, application_ids: Sequence[str]) -> None:
    """Give each of the applications' email notifications a twin for every webhook its
    platform had registered, for that event type, when the event occurred.

    Comparing with the event's time, not this transaction's, makes the result the same
    whichever topic is consumed first, and the same again in a rebuild.
    """
    email = notification.alias("email")
    twins = (
        select(
            func.gen_random_uuid(),
            email.c.event_id,
            email.c.application_id,
            email.c.event_type,
            email.c.occurred_at,
            literal("webhook"),
            cast(webhook.c.id, String),
            email.c.subject,
            email.c.summary,
            literal(PENDING),
        )
        .join(recipient, recipient.c.application_id == email.c.application_id)
        .join(webhook, webhook.c.platform == recipient.c.platform)
        .where(
            email.c.application_id == any_(literal(list(application_ids), ARRAY(String))),
            email.c.channel == "email",
            # The applicant's emails only: what an objector is told is not the platform's.
            email.c.target == "",
            email.c.event_type == any_(webhook.c.event_types),
            webhook.c.created_at <= email.c.occurred_at,
            or_(webhook.c.deleted_at.is_(None), webhook.c.deleted_at > email.c.occurred_at),
        )
    )
    await session.execute(
        insert(notification).from_select(_COLUMNS, twins).on_conflict_do_nothing()
    )


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
    columns = [*_COLUMNS, "round_id"]
    await session.execute(
        insert(notification).from_select(columns, to_each).on_conflict_do_nothing()
    )


def _round_of(envelope: Envelope) -> str:
    """The round a broadcast names: a proposal's round, or the round's own event."""
    return str(envelope.payload.get("round_id", envelope.aggregate_id))


_COLUMNS = [
    "id",
    "event_id",
    "application_id",
    "event_type",
    "occurred_at",
    "channel",
    "target",
    "subject",
    "summary",
    "status",
]
