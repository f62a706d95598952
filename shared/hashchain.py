"""Checking aggregate streams' hash chains, as the auditor replays them. The services'
consumers do not check them: they apply what the broker delivers, and `qsfund-audit
verify` is what finds an altered, removed or inserted event."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from shared.contracts.values import ChainHead
from shared.envelope import GENESIS_HASH, Envelope, canonical_json


class Chained(Protocol):
    """What the chain check needs of an event, however it was decoded."""

    @property
    def event_id(self) -> object: ...
    @property
    def source(self) -> str: ...
    @property
    def aggregate_id(self) -> str: ...
    @property
    def aggregate_version(self) -> int: ...
    @property
    def previous_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


@dataclass(frozen=True)
class ChainBreak:
    """Where a stream stops being trustworthy, and why."""

    event_id: str
    aggregate_id: str
    aggregate_version: int
    reason: str


class ChainChecker:
    """Follows every (source, aggregate) stream in log order, one event at a time.

    Catches an altered event (its content no longer matches its hash), a removed one
    (a version gap, and a predecessor hash that does not match), an inserted or moved
    one (the same two symptoms where it sits). An event published twice with the same
    id and content (a relay retry) is not a break.
    """

    def __init__(self) -> None:
        self.heads: dict[tuple[str, str], tuple[int, str]] = {}
        self.seen: dict[str, str] = {}

    def observe(self, event: Chained, content_hash: str) -> list[ChainBreak]:
        """`content_hash`: the hash recomputed from the event's content as read."""
        event_id = str(event.event_id)
        reasons = self.check(
            event_id,
            event.source,
            event.aggregate_id,
            event.aggregate_version,
            event.previous_hash,
            event.hash,
            content_hash,
        )
        return [
            ChainBreak(event_id, event.aggregate_id, event.aggregate_version, reason)
            for reason in reasons or ()
        ]

    def check(
        self,
        event_id: str,
        source: str,
        aggregate_id: str,
        version: int,
        previous_hash: str,
        hash_: str,
        content_hash: str,
    ) -> tuple[str, ...] | None:
        """`observe` on plain values: why the event breaks its stream, () when it does not,
        None when it is the same event published again (allowed, and to be skipped).

        An auditor calls this a million times, so the intact case allocates nothing."""
        altered = content_hash != hash_
        earlier = self.seen.get(event_id)
        if earlier is not None and earlier == hash_ and not altered:
            return None
        self.seen[event_id] = hash_
        key = (source, aggregate_id)
        expected, previous = self.heads.get(key, _GENESIS_HEAD)
        self.heads[key] = (version, hash_)
        if (
            not altered
            and earlier is None
            and version == expected + 1
            and previous_hash == previous
        ):
            return ()
        breaks: list[str] = []
        if altered:
            breaks.append("content does not match its hash (altered)")
        if earlier is not None:
            breaks.append("an event id seen before, with other content")
        if version != expected + 1:
            breaks.append(f"version {version} where {expected + 1} was expected")
        if previous_hash != previous:
            breaks.append(
                "previous hash does not match the preceding event (removed, inserted or moved)"
            )
        return tuple(breaks)


_GENESIS_HEAD = (0, GENESIS_HASH)


def verify_chain(stream: Iterable[Envelope]) -> list[ChainBreak]:
    """Every break in one stream of envelopes given in log order; empty when intact."""
    checker = ChainChecker()
    return [b for event in stream for b in checker.observe(event, event.computed_hash())]


def history_digest(heads: Iterable[ChainHead]) -> str:
    """One SHA-256 over the heads of many streams, in a fixed order: published with a
    round's list, it lets anyone holding the list show later that the history behind it
    was not rewritten (a rewritten stream no longer has that hash at that version)."""
    ordered = sorted(heads, key=lambda head: (head.source, head.aggregate_id))
    lines = [[h.source, h.aggregate_id, h.version, h.hash] for h in ordered]
    return hashlib.sha256(canonical_json(lines)).hexdigest()
