"""Checking one aggregate stream's hash chain, as a consumer or an auditor replays it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.envelope import GENESIS_HASH, Envelope


@dataclass(frozen=True)
class ChainBreak:
    """Where a stream stops being trustworthy, and why."""

    event_id: str
    aggregate_id: str
    aggregate_version: int
    reason: str


def verify_chain(stream: Iterable[Envelope]) -> list[ChainBreak]:
    """Every break in one (source, aggregate) stream given in log order; empty when intact.

    Catches an altered event (its hash no longer matches its content), a removed one
    (a version gap and a predecessor hash that does not match), an inserted or reordered
    one (the same two symptoms at the point of insertion).
    """
    breaks: list[ChainBreak] = []
    expected_version = 1
    expected_previous = GENESIS_HASH
    for event in stream:

        def found(reason: str, event: Envelope = event) -> None:
            breaks.append(
                ChainBreak(str(event.event_id), event.aggregate_id, event.aggregate_version, reason)
            )

        if event.computed_hash() != event.hash:
            found("content does not match its hash (altered)")
        if event.aggregate_version != expected_version:
            found(f"version {event.aggregate_version} where {expected_version} was expected")
        if event.previous_hash != expected_previous:
            found("previous hash does not match the preceding event (removed, inserted or moved)")
        expected_version = event.aggregate_version + 1
        expected_previous = event.hash
    return breaks
