"""Events that carry many items (a load's records, a list's entries and matches) are cut
into batches by count and by size: the topics take events of at most 8 MiB
(shared/kafka.py's MAX_EVENT_BYTES), and an event over that would never leave the outbox.
A thousand real register rows are a few hundred kilobytes, but a thousand rows of the
longest names allowed would be 60 MB."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
# An event's payload at most (estimated), a quarter of the largest event the topics take:
# the envelope and the estimate's error fit beside it.
BATCH_BYTES = 2 * 1024 * 1024


def batches(items: list[T], most: int, size_of: Callable[[T], int]) -> list[list[T]]:
    """Batches in order, each of at most `most` items and BATCH_BYTES as `size_of`
    estimates them (an item larger than that alone in its batch)."""
    found: list[list[T]] = []
    batch: list[T] = []
    used = 0
    for item in items:
        size = size_of(item)
        if batch and (len(batch) == most or used + size > BATCH_BYTES):
            found.append(batch)
            batch, used = [], 0
        batch.append(item)
        used += size
    if batch:
        found.append(batch)
    return found
