"""Checking aggregate streams' hash chains, as a consumer or an auditor replays them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from shared.envelope import GENESIS_HASH, Envelope


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
        breaks: list[str] = []
        if content_hash != event.hash:
            breaks.append("content does not match its hash (altered)")
        earlier = self.seen.get(event_id)
        if earlier == event.hash and not breaks:
            return []  # the same event published again: allowed, and skipped
        if earlier is not None:
            breaks.append("an event id seen before, with other content")
        self.seen[event_id] = event.hash
        key = (event.source, event.aggregate_id)
        version, previous = self.heads.get(key, (0, GENESIS_HASH))
        if event.aggregate_version != version + 1:
            breaks.append(f"version {event.aggregate_version} where {version + 1} was expected")
        if event.previous_hash != previous:
            breaks.append(
                "previous hash does not match the preceding event (removed, inserted or moved)"
            )
        self.heads[key] = (event.aggregate_version, event.hash)
        return [
            ChainBreak(event_id, event.aggregate_id, event.aggregate_version, reason)
            for reason in breaks
        ]


def verify_chain(stream: Iterable[Envelope]) -> list[ChainBreak]:
    """Every break in one stream of envelopes given in log order; empty when intact."""
    checker = ChainChecker()
    return [b for event in stream for b in checker.observe(event, event.computed_hash())]
