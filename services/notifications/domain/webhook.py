"""The signed webhook a municipal platform receives: its body, its signatures, and which
URLs a platform may register. No I/O.

A receiver verifies `X-Qsfund-Signature` by computing HMAC-SHA256 with its secret over
the `X-Qsfund-Timestamp` value, a dot and the raw body, and comparing in constant time
with each `v1=` value of the header: during a secret rotation there is one per valid
secret, so a receiver holding either secret verifies. It rejects stale timestamps
against replay and deduplicates on the body's `event_id`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args
from urllib.parse import urlsplit
from uuid import UUID

from shared.envelope import canonical_json

# Re-exported: the webhooks are signed as every signed message of ours is.
from shared.signing import signature as signature
from shared.signing import signatures as signatures

# The events a platform hears of (domain/messages.py or payment_messages.py has a
# message for each).
EventType = Literal[
    "ApplicationSubmitted",
    "ApplicationAmended",
    "ApplicationReviewed",
    "ApplicationWithdrawn",
    "ApplicationScored",
    "ApplicationAwarded",
    "ApplicationNotAwarded",
    "ObjectionLodged",
    "ObjectionDecided",
    "ProposedAwardWithdrawn",
    "AwardFinalised",
    # The award's money (domain/payment_messages.py): never its account number.
    "PaymentSucceeded",
    "PaymentFailed",
    "AwardRevoked",
    "ClawbackSettled",
    # A round's, for a portal that mirrors the published list (not one application's).
    "PublicityOpened",
    "PublishedListRevised",
    "RoundFinalised",
    # A proposal from an official list, for a portal that serves enterprises: every
    # platform's webhook for it hears of every proposal (its round is named, no
    # application exists yet).
    "ApplicationProposed",
]
ROUND_EVENT_TYPES = frozenset(
    {"PublicityOpened", "PublishedListRevised", "RoundFinalised", "ApplicationProposed"}
)
EVENT_TYPES: tuple[str, ...] = get_args(EventType)


def body(
    *,
    event_id: UUID,
    event_type: str,
    application_id: str,
    occurred_at: datetime,
    subject: str,
    summary: str,
    round_id: str | None = None,
) -> bytes:
    """The exact bytes posted and signed: canonical JSON, so they are the same each try.
    A round's event names its round (`round_id`) and no application."""
    fields = {
        "event_id": str(event_id),
        "event_type": event_type,
        "application_id": application_id,
        "occurred_at": occurred_at.isoformat(),
        "subject": subject,
        "summary": summary,
    }
    if round_id is not None:
        fields["round_id"] = round_id
    return canonical_json(fields)


@dataclass(frozen=True)
class WebhookRules:
    """What a platform may register (NotificationsSettings.webhooks)."""

    insecure_urls: bool = False
    most_per_platform: int = 10


def another_webhook_problem(registered: int, most: int) -> str | None:
    """Why a platform with `registered` webhooks may not add one; None when it may."""
    if registered >= most:
        return f"a platform may register at most {most} webhooks"
    return None


def url_problem(url: str, *, insecure_allowed: bool) -> str | None:
    """Why a platform may not register this URL; None when it may.

    https only, no credentials in the URL, and no literal loopback, private, link-local
    or otherwise non-public address: the service would otherwise be a way to reach its
    own network. `insecure_allowed` (development and tests only) lifts the last two.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "not an http(s) URL with a host"
    if parts.username is not None or parts.password is not None:
        return "credentials do not belong in a webhook URL"
    if parts.fragment:
        return "a webhook URL has no fragment"
    if port == 0:
        return "port 0 is no port"
    if insecure_allowed:
        return None
    if parts.scheme != "https":
        return "a webhook URL must be https"
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        if parts.hostname == "localhost" or parts.hostname.endswith(".localhost"):
            return "a webhook may not point at this machine"
        return None
    if not address.is_global:
        return "a webhook may not point at a non-public address"
    return None


def egress_problem(host: str, addresses: list[str]) -> str | None:
    """Why a delivery may not connect to what `host` resolved to now; None when it may.
    Every address must be public: a host registered on a public address may since have
    been rebound to one of ours."""
    if not addresses:
        return f"{host} resolved to no address"
    for address in addresses:
        if not ipaddress.ip_address(address).is_global:
            return f"{host} resolved to {address}, not a public address: not sent"
    return None


def pinned_url(url: str, address: str) -> tuple[str, str]:
    """The URL with its host replaced by the address checked (so the connection goes
    where the check looked, with no second lookup) and the Host header it had."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    original = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=netloc).geturl(), original


MAX_GRACE = timedelta(days=7)


def rotation_retires_at(now: datetime, grace_seconds: int) -> datetime:
    """When the secrets in use stop signing after a rotation at `now`: a grace period
    in which a receiver moves to the new secret, at most a week."""
    if not 0 <= grace_seconds <= MAX_GRACE.total_seconds():
        raise ValueError(f"a grace period is 0 to {MAX_GRACE.days} days, not {grace_seconds} s")
    return now + timedelta(seconds=grace_seconds)
