"""Where a notification goes, when to try it again, and when to give up and park it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

PENDING = "pending"
SENT = "sent"
PARKED = "parked"


@dataclass(frozen=True)
class Attempted:
    """What one delivery attempt came to, as the delivery log records it."""

    ok: bool
    error: str | None = None
    # The SMTP server's last reply, or an excerpt of the webhook receiver's response.
    reply: str | None = None
    http_status: int | None = None
    # Refused before sending (the host resolved to a non-public address): parked for an
    # operator, not tried again blindly.
    park: bool = False


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base, base*factor, base*factor**2, ... capped, `attempts` tries."""

    attempts: int = 6
    base_seconds: float = 1.0
    factor: float = 2.0
    cap_seconds: float = 300.0

    def delay_after(self, attempt: int) -> timedelta:
        """The wait after failed attempt number `attempt` (1 for the first)."""
        seconds = self.base_seconds * self.factor ** (attempt - 1)
        return timedelta(seconds=min(seconds, self.cap_seconds))

    def next_try(self, attempt: int, failed_at: datetime) -> datetime | None:
        """When to try again after failed attempt `attempt`; None when it is time to park."""
        if attempt >= self.attempts:
            return None
        return failed_at + self.delay_after(attempt)


@dataclass(frozen=True)
class RecipientWait:
    """How long a notification waits for its application's contact to become known.

    Scoring events come on another topic and can be consumed before the application's
    ApplicationSubmitted; such a wait is not a failed attempt, but it must end some time.
    """

    interval_seconds: float = 60.0
    limit: int = 1440

    def next_look(self, waits: int, now: datetime) -> datetime | None:
        """When to look for the recipient again after `waits` looks; None to give up."""
        if waits >= self.limit:
            return None
        return now + timedelta(seconds=self.interval_seconds)


@dataclass(frozen=True)
class Endpoint:
    """A platform's registered webhook as delivery finds it: where, which secrets are
    valid now (newest first), and whether the platform has deleted it."""

    url: str
    secrets: tuple[str, ...]
    deleted: bool = False


@dataclass(frozen=True)
class EmailTo:
    address: str


@dataclass(frozen=True)
class PostTo:
    url: str
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class AwaitRecipient:
    """The application's contact is not known yet; look again later."""


@dataclass(frozen=True)
class Unsendable:
    reason: str


Route = EmailTo | PostTo | AwaitRecipient | Unsendable


def route(channel: str, email: str | None, endpoint: Endpoint | None) -> Route:
    """Where a notification goes now, from what is known of the recipient at delivery."""
    if channel == "email":
        return EmailTo(email) if email else AwaitRecipient()
    if channel != "webhook":
        return Unsendable(f"unknown channel {channel!r}")
    if endpoint is None:
        # Rows of per-application URLs (contact.webhook_url) recorded before platforms
        # registered their webhooks: such URLs are no longer posted to.
        return Unsendable("no registered webhook: per-application webhook URLs are retired")
    if endpoint.deleted:
        return Unsendable("the platform deleted this webhook")
    if not endpoint.secrets:
        return Unsendable("the webhook has no valid secret")
    return PostTo(endpoint.url, endpoint.secrets)
