"""One event as the auditor read it: where it sits in the log, and what it says.

Decoded with msgspec into typed structs: for a replay of millions of events it decodes
the envelope several times faster than a dict would be built, and `Heading` leaves the
payload undecoded, for `verify` to read only the fields its checks need."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any, NamedTuple

import msgspec
import orjson

from shared.envelope import canonical_json

# An envelope's time must say its zone: one without is not a moment an auditor can place.
Moment = Annotated[datetime, msgspec.Meta(tz=True)]


# A tuple, not a frozen dataclass: one is made for every event read, and a tuple costs a
# fraction as much to make and to send between processes.
# Streams read beside the applications' that are no application's: an official list's
# (the register topic) and a proposal's (the applications topic, shared/contracts/
# proposals.py), a register load's. The trail follows an application to them.
NOT_APPLICATIONS = frozenset({"proposal", "official-list", "register-load"})


class Coordinates(NamedTuple):
    topic: str
    partition: int
    offset: int

    def __str__(self) -> str:
        return f"{self.topic}/{self.partition}@{self.offset}"


# gc=False: a struct of strings and integers (and the decoded payload, tracked on its own)
# can be in no reference cycle; a replay makes a million of them.
class _Envelope(msgspec.Struct, gc=False):
    """An envelope's fields but its actor and payload."""

    event_id: str
    event_type: str
    schema_version: int
    source: str
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    occurred_at: Moment
    correlation_id: str
    causation_id: str | None
    previous_hash: str
    hash: str


class Heading(_Envelope, gc=False):
    """An envelope as recorded, its actor and payload left as undecoded JSON."""

    actor: msgspec.Raw
    payload: msgspec.Raw


class LoggedEvent(_Envelope, gc=False):
    """An envelope decoded whole, with where it was read and the hash of its content."""

    actor: dict[str, Any]
    payload: dict[str, Any]
    # Not in the record: set from where it was read and from its bytes, never believed.
    at: Coordinates = Coordinates("", -1, -1)
    # The SHA-256 of the content as read: equal to `hash` unless the event was altered.
    content_hash: str = ""


class Unreadable(ValueError):
    """A record that is not an event envelope at all."""


_HEADING = msgspec.json.Decoder(Heading)
_WHOLE = msgspec.json.Decoder(LoggedEvent)
_HASH_FIELD = b',"hash":"'


def read_heading(raw: bytes) -> Heading:
    """The envelope's fields, without trusting them (see `content_hash`)."""
    try:
        return _HEADING.decode(raw)
    except msgspec.DecodeError as error:
        raise Unreadable(f"not an event envelope: {error}") from error


def parse(raw: bytes, at: Coordinates) -> LoggedEvent:
    """Decode one record whole without trusting it: the hash is recomputed, not believed."""
    try:
        event = _WHOLE.decode(raw)
    except msgspec.DecodeError as error:
        raise Unreadable(f"not an event envelope: {error}") from error
    event.at = at
    event.content_hash = content_hash(raw, event.hash)
    return event


def content_hash(raw: bytes, recorded: str) -> str:
    """The SHA-256 of the event's canonical encoding without its hash field.

    A canonical record is its content's encoding with `,"hash":"…"` spliced in where the
    sorted keys put it (a quote inside a string value is escaped, so the first such text
    is the field), so cutting those 74 bytes out gives the hashed bytes without encoding
    anything again: an auditor does this a million times. When that digest is the
    recorded hash, the bytes left are the sealed content (SHA-256 resists collisions),
    whatever was cut. Otherwise the content is decoded and encoded canonically again: the
    record may be intact but not canonical, and an altered one shows by its true hash.
    """
    cut = raw.find(_HASH_FIELD)
    if cut > 0:
        digest = hashlib.sha256(raw[:cut])
        digest.update(raw[cut + 74 :])
        if (spliced := digest.hexdigest()) == recorded:
            return spliced
    content = {key: value for key, value in orjson.loads(raw).items() if key != "hash"}
    return hashlib.sha256(canonical_json(content)).hexdigest()
