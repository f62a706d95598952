"""One event as the auditor read it: where it sits in the log, and what it says."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from shared.envelope import canonical_json


@dataclass(frozen=True, slots=True)
class Coordinates:
    topic: str
    partition: int
    offset: int

    def __str__(self) -> str:
        return f"{self.topic}/{self.partition}@{self.offset}"


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    at: Coordinates
    event_id: str
    event_type: str
    schema_version: int
    source: str
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    occurred_at: datetime
    correlation_id: str
    causation_id: str | None
    actor: dict[str, str]
    payload: dict[str, Any]
    previous_hash: str
    hash: str
    # The SHA-256 of the content as read: equal to `hash` unless the event was altered.
    content_hash: str


class Unreadable(ValueError):
    """A record that is not an event envelope at all."""


def parse(raw: bytes, at: Coordinates) -> LoggedEvent:
    """Decode one record without trusting it: the hash is recomputed, not believed."""
    try:
        body = orjson.loads(raw)
        content = {key: value for key, value in body.items() if key != "hash"}
        return LoggedEvent(
            at=at,
            event_id=body["event_id"],
            event_type=body["event_type"],
            schema_version=int(body["schema_version"]),
            source=body["source"],
            aggregate_type=body["aggregate_type"],
            aggregate_id=body["aggregate_id"],
            aggregate_version=int(body["aggregate_version"]),
            occurred_at=datetime.fromisoformat(body["occurred_at"]),
            correlation_id=body["correlation_id"],
            causation_id=body["causation_id"],
            actor=body["actor"],
            payload=body["payload"],
            previous_hash=body["previous_hash"],
            hash=body["hash"],
            content_hash=hashlib.sha256(canonical_json(content)).hexdigest(),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise Unreadable(f"not an event envelope: {error}") from error
