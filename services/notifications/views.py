"""What the notifications service answers with: notifications, their delivery attempts,
webhooks and their secrets' dates. The API returns them as they are; an Idempotency-Key
keeps them as JSON."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class NotificationView(BaseModel):
    """One notification of one event on one channel, and where its delivery stands."""

    id: UUID
    event_id: UUID
    application_id: str
    event_type: str
    occurred_at: datetime
    channel: str
    target: str = Field(
        default="",
        description="'' for the applicant's email, a webhook's id, or "
        "'objector:<objection id>' for the email telling an objector (whose address is "
        "not shown)",
    )
    subject: str
    summary: str
    status: str
    attempts: int
    due_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class AttemptView(BaseModel):
    """One try at delivering a notification: when, how it ended, and what the far end said."""

    attempt: int
    started_at: datetime
    finished_at: datetime
    outcome: str
    error: str | None
    reply: str | None
    http_status: int | None


class SecretView(BaseModel):
    """A valid signing secret of a webhook, by its dates: the secret itself is shown once."""

    created_at: datetime
    retire_at: datetime | None


class WebhookView(BaseModel):
    """A platform's registered webhook and its valid secrets, newest first."""

    id: UUID
    url: str
    event_types: list[str]
    created_at: datetime
    secrets: list[SecretView]


class WebhookCreated(WebhookView):
    """A webhook with its new secret: store it now, it is never shown again."""

    secret: str
