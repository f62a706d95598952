"""The signed webhook a municipal platform receives: its body and its signature.

A receiver verifies `X-Qsfund-Signature` by computing HMAC-SHA256 with its secret over
the `X-Qsfund-Timestamp` value, a dot and the raw body, and comparing in constant time;
it rejects stale timestamps against replay and deduplicates on `X-Qsfund-Event-Id`.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

from shared.envelope import canonical_json

SIGNATURE_VERSION = "v1"
DEFAULT_PORTS = {"http": 80, "https": 443}


def body(
    *,
    event_id: UUID,
    event_type: str,
    application_id: str,
    occurred_at: datetime,
    subject: str,
    summary: str,
) -> bytes:
    """The exact bytes posted and signed: canonical JSON, so they are the same each try."""
    return canonical_json(
        {
            "event_id": str(event_id),
            "event_type": event_type,
            "application_id": application_id,
            "occurred_at": occurred_at.isoformat(),
            "subject": subject,
            "summary": summary,
        }
    )


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """The `X-Qsfund-Signature` value for a body sent at `timestamp` (unix seconds)."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def origin(url: str) -> str:
    """`scheme://host:port` of a URL, the port spelled out, as secrets are keyed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}:{parts.port or DEFAULT_PORTS[parts.scheme]}"


def secret_for(url: str, secrets: dict[str, str]) -> str | None:
    """The secret of the platform at the URL's origin; None if it has none or no origin."""
    try:
        return secrets.get(origin(url))
    except ValueError:
        return None
