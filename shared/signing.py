"""Signed HTTP messages: HMAC-SHA256 of `"<timestamp>." + body` under a shared secret,
carried as `v1=<hex>` values, one per valid secret, newest first. Our webhooks are signed
this way, and both directions of the finance contract (docs/finance-contract.md). No I/O.

A receiver accepts a message when any `v1=` value matches any secret it holds (so a
secret is replaced without a moment when one side refuses the other) and its timestamp
is within the tolerance of its own clock (so a captured message cannot be replayed
later; inside the window every message is idempotent by its own id).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime

VERSION = "v1"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """One `v1=<hex>` value: HMAC-SHA256 of `"<timestamp>." + body` under the secret."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def signatures(secrets: Sequence[str], timestamp: int, payload: bytes) -> str:
    """The signature header's value: a signature per valid secret, newest first."""
    return ",".join(signature(secret, timestamp, payload) for secret in secrets)


def signature_problem(
    header: str | None,
    timestamp: str | None,
    payload: bytes,
    secrets: Sequence[str],
    now: datetime,
    tolerance_seconds: int = TOLERANCE_SECONDS,
) -> str | None:
    """Why a received message is not to be trusted; None when it is."""
    if not header or not timestamp:
        return "the message is not signed"
    try:
        sent = int(timestamp)
    except ValueError:
        return "the timestamp is not unix seconds"
    if abs(now.timestamp() - sent) > tolerance_seconds:
        return f"the timestamp is more than {tolerance_seconds} s from this clock"
    offered = [value.strip() for value in header.split(",")]
    expected = [signature(secret, sent, payload) for secret in secrets]
    if any(hmac.compare_digest(o, e) for o in offered for e in expected):
        return None
    return "no signature matches a secret held here"
