"""Reading the event topics from the beginning into a verifier or a history."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from shared.log_reader import read_records

from .collector import paused_collector
from .domain.records import Coordinates
from .domain.register import RegisterAsOf


async def replay(
    bootstrap: str,
    topics: list[str],
    observe: Callable[[bytes, Coordinates], None],
    partitions: Collection[int] | None = None,
    on_total: Callable[[int], None] = lambda _: None,
    on_read: Callable[[int], None] = lambda _: None,
) -> None:
    """Read the topics (or only the partitions numbered) from the beginning into `observe`
    (a Verifier's or a History's)."""
    new = tuple.__new__  # a NamedTuple without its Python-level __new__: once an event
    with paused_collector():
        async for records in read_records(bootstrap, topics, on_total, partitions):
            for record in records:
                at = new(Coordinates, (record.topic, record.partition, record.offset))
                observe(record.value or b"", at)
            on_read(len(records))


def read_register(bootstrap: str, topic: str | None) -> RegisterAsOf:
    """The register topic read whole, in this process (none: a history without one)."""
    register = RegisterAsOf()
    if topic is not None:
        asyncio.run(replay(bootstrap, [topic], register.observe))
    return register
