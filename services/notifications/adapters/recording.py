"""What the consumer writes: recipients and the notifications due, in its transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    DateTime,
    Select,
    String,
    Uuid,
    any_,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from shared.envelope import Envelope

from ..domain.delivery import PENDING
from ..domain.messages import Message
from .tables import notification, objector, recipient, webhook
from .unnest import arrays, unnested


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
    statement = _recording(bool(recipients), bool(objectors), bool(emails))
    parameters = {
        "lock_keys": keys,
        **arrays(_RECIPIENT, "recipient", _recipient_rows(recipients)),
        **arrays(_OBJECTOR, "objector", [_objector_row(o) for o in objectors]),
        **arrays(_EMAIL, "email", [_email_row(e) for e in emails]),
    }
    await session.execute(statement, parameters)


def _lock_key(application_id: str) -> int:
    # A stable signed 64-bit key of our own: the order taken must be known before asking.
    return int.from_bytes(
        hashlib.blake2b(application_id.encode(), digest_size=8).digest(), "big", signed=True
    )


async def remember_recipients(session: AsyncSession, recipients: Sequence[Recipient]) -> None:
    if recipients:
        rows = _recipient_rows(recipients)
        await session.execute(_REMEMBER, arrays(_RECIPIENT, "recipient", rows))


async def record_emails(session: AsyncSession, emails: Sequence[Email]) -> None:
    if emails:
        rows = [_email_row(e) for e in emails]
        await session.execute(_RECORD, arrays(_EMAIL, "email", rows))


async def extend_to_webhooks(session: AsyncSession, application_ids: Sequence[str]) -> None:
    """Give each of the applications' email notifications a twin for every webhook its
    platform had registered, for that event type, when the event occurred.

    Comparing with the event's time, not this transaction's, makes the result the same
    whichever topic is consumed first, and the same again in a rebuild.
    """
    await session.execute(_TWINS, {"application_ids": list(application_ids)})


def _recipient_rows(recipients: Sequence[Recipient]) -> list[tuple[Any, ...]]:
    """Each application's contact, later events overwriting earlier ones; its platform only
    from the submission (an amendment does not name it, and leaves it as it was): as
    upserting them one by one would leave them, for one statement may not touch a row
    twice."""
    latest: dict[str, Recipient] = {}
    for given in recipients:
        before = latest.get(given.application_id)
        if before is not None and given.platform is None:
            given = replace(given, platform=before.platform)
        latest[given.application_id] = given
    return [
        (r.application_id, r.email, r.platform, r.credit_code, r.given_at) for r in latest.values()
    ]


def _objector_row(o: Objector) -> tuple[Any, ...]:
    return (o.objection_id, o.application_id, o.email)


def _email_row(e: Email) -> tuple[Any, ...]:
    envelope, message = e.envelope, e.message
    return (
        envelope.event_id,
        envelope.aggregate_id,
        envelope.event_type,
        envelope.occurred_at,
        e.target,
        message.subject,
        message.summary,
    )


# The statements are built once: SQLAlchemy then finds each compiled in its cache without
# walking it again, and the rows go as array parameters (unnest.py).
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
COLUMNS = [
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

_given = select(*unnested(_RECIPIENT, "recipient").c)
_remember = insert(recipient).from_select([name for name, _ in _RECIPIENT], _given)
_REMEMBER = _remember.on_conflict_do_update(
    index_elements=[recipient.c.application_id],
    set_={
        "email": _remember.excluded.email,
        "platform": func.coalesce(_remember.excluded.platform, recipient.c.platform),
        "credit_code": _remember.excluded.credit_code,
        "given_at": _remember.excluded.given_at,
    },
)
_OBJECT = (
    insert(objector)
    .from_select([name for name, _ in _OBJECTOR], select(*unnested(_OBJECTOR, "objector").c))
    .on_conflict_do_nothing()
)
_e = unnested(_EMAIL, "email").c
_due = select(
    func.gen_random_uuid(),
    _e.event_id,
    _e.application_id,
    _e.event_type,
    _e.occurred_at,
    literal("email"),
    _e.target,
    _e.subject,
    _e.summary,
    literal(PENDING),
)
_RECORD = insert(notification).from_select(COLUMNS, _due).on_conflict_do_nothing()
_LOCKS = select(
    func.pg_advisory_xact_lock(func.unnest(bindparam("lock_keys", type_=ARRAY(BigInteger))))
)


@cache
def _recording(recipients: bool, objectors: bool, emails: bool) -> Select[Any]:
    """The locks, with the writes there are rows for."""
    writes = [("recipients", _REMEMBER, recipients), ("objectors", _OBJECT, objectors)]
    writes.append(("emails", _RECORD, emails))
    return _LOCKS.add_cte(*(write.cte(name) for name, write, wanted in writes if wanted))


_email = notification.alias("email")
_TWINS = (
    insert(notification)
    .from_select(
        COLUMNS,
        select(
            func.gen_random_uuid(),
            _email.c.event_id,
            _email.c.application_id,
            _email.c.event_type,
            _email.c.occurred_at,
            literal("webhook"),
            cast(webhook.c.id, String),
            _email.c.subject,
            _email.c.summary,
            literal(PENDING),
        )
        .join(recipient, recipient.c.application_id == _email.c.application_id)
        .join(webhook, webhook.c.platform == recipient.c.platform)
        .where(
            _email.c.application_id == any_(bindparam("application_ids", type_=ARRAY(String))),
            _email.c.channel == "email",
            # The applicant's emails only: what an objector is told is not the platform's.
            _email.c.target == "",
            _email.c.event_type == any_(webhook.c.event_types),
            webhook.c.created_at <= _email.c.occurred_at,
            or_(webhook.c.deleted_at.is_(None), webhook.c.deleted_at > _email.c.occurred_at),
        ),
    )
    .on_conflict_do_nothing()
)
