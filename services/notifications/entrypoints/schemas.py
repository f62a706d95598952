"""What the notifications API takes: the bodies of its requests (what it answers with is
../views.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..domain.webhook import EVENT_TYPES, EventType


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookRequest(Body):
    """A webhook to register: where to POST, and which events to POST there."""

    url: str = Field(
        min_length=10,
        max_length=2000,
        pattern=r"^https?://",
        description="https, on a public address; no credentials or fragment",
    )
    event_types: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))


class RotationRequest(Body):
    """How long the secret in use stays valid beside the new one."""

    grace_seconds: int = Field(
        default=86400,
        ge=0,
        le=7 * 86400,
        description="the old secret is retired this long after the rotation (default a day, "
        "at most a week); retire it sooner with POST .../retire",
    )
