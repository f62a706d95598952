"""Every log line a consumer writes about an event carries the event's correlation id,
on the batch path as on the one-at-a-time path, so one application's story can be pulled
from the logs. The consumer runs on fakes of its session and its apply function."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any, cast

from shared.consumer import IdempotentConsumer
from shared.contracts.base import Contract
from shared.db import backbone_tables, new_metadata
from shared.envelope import Envelope
from shared.logs import correlation_id
from tests.support.events import reviewed, stream, submitted


class FakeSession:
    """The inbox insert: every event id is new."""

    async def execute(self, _: Any, columns: dict[str, list[Any]]) -> Any:
        return SimpleNamespace(scalars=lambda: columns["event_id"])


class FakeSessions:
    @asynccontextmanager
    async def begin(self) -> AsyncIterator[FakeSession]:
        yield FakeSession()


class Lines(logging.Handler):
    """(message, correlation id) of each line, as the id is when the line is written."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[str, str | None]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.getMessage(), correlation_id.get()))


def records() -> tuple[list[Any], list[str]]:
    """Two applications' events on one partition, and their two correlation ids."""
    envelopes = [
        e for app in (submitted(), submitted()) for e in stream([app, reviewed(app.application_id)])
    ]
    found = [
        SimpleNamespace(topic="t", partition=0, offset=i, value=e.encode())
        for i, e in enumerate(envelopes)
    ]
    return found, list(dict.fromkeys(str(e.correlation_id) for e in envelopes))


async def consume(fail_batches: bool) -> tuple[list[tuple[str, str | None]], list[str]]:
    log = logging.getLogger("test.apply")

    async def apply(_: Any, events: Sequence[tuple[Envelope, Contract]]) -> None:
        log.warning("applying %d", len(events))
        if fail_batches and len(events) > 1:
            raise ValueError("a bug that only batches trigger")

    consumer = IdempotentConsumer(
        name="test",
        sessions=cast(Any, FakeSessions()),
        inbox=backbone_tables(new_metadata()).inbox,
        apply=apply,
        dead_letters=cast(Any, None),
    )
    lines = Lines()
    for name in ("test.apply", "shared.consumer"):
        logging.getLogger(name).addHandler(lines)
    try:
        found, ids = records()
        await consumer.consume_batch(found)
    finally:
        for name in ("test.apply", "shared.consumer"):
            logging.getLogger(name).removeHandler(lines)
    return lines.lines, ids


async def test_a_batch_logs_with_every_correlation_id_it_carries() -> None:
    lines, ids = await consume(fail_batches=False)
    assert lines == [("applying 4", ",".join(ids))]


async def test_a_failed_batch_and_its_events_one_by_one_log_with_their_ids() -> None:
    lines, (first, second) = await consume(fail_batches=True)
    assert lines[0] == ("applying 4", f"{first},{second}")
    assert lines[1][0].startswith("a batch of 4 failed")
    assert lines[1][1] == f"{first},{second}"
    assert lines[2:] == [("applying 1", first)] * 2 + [("applying 1", second)] * 2
