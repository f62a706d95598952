"""The idempotent consumer: apply an event and remember it in one transaction, then
commit the Kafka offset.

faststream has no Kafka transactions, so exactly-once effect comes from at-least-once
delivery plus this inbox: a redelivered event finds its id already recorded and
changes nothing. The handler never raises into faststream: a broken event is parked in
the dead-letter topic and committed past; a database outage is waited out without
committing, so no later commit can skip an unapplied message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.contracts import Contract, UnknownEventType, UnknownSchemaVersion, parse_payload
from shared.deadletter import DeadLetters
from shared.envelope import Envelope
from shared.logs import correlation_id
from shared.metrics import EVENTS_CONSUMED, HANDLER_SECONDS

log = logging.getLogger(__name__)

Apply = Callable[[AsyncSession, Envelope, Contract], Awaitable[None]]


class RejectedEvent(Exception):
    """An event that decodes but that this consumer can never apply."""


UNDECODABLE = (ValidationError, UnknownEventType, UnknownSchemaVersion, UnicodeDecodeError)
TRANSIENT = (OperationalError, InterfaceError, OSError, ConnectionError, asyncio.TimeoutError)
ATTEMPTS_BEFORE_PARKING = 5


def is_transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


class IdempotentConsumer:
    def __init__(
        self,
        *,
        name: str,
        sessions: async_sessionmaker[AsyncSession],
        inbox: Table,
        apply: Apply,
        dead_letters: DeadLetters,
    ) -> None:
        self.name = name
        self.sessions = sessions
        self.inbox = inbox
        self.apply = apply
        self.dead_letters = dead_letters

    async def consume(self, record: Any) -> None:
        """Apply one Kafka record exactly once in effect; returns when it may be committed."""
        try:
            envelope = Envelope.decode(record.value or b"")
            contract = parse_payload(envelope)
        except UNDECODABLE as error:
            log.warning("dead-lettering undecodable record: %s", error)
            await self.dead_letters.park(record, error)
            EVENTS_CONSUMED.labels(self.name, "undecodable", "dead_lettered").inc()
            return
        context = correlation_id.set(str(envelope.correlation_id))
        try:
            with HANDLER_SECONDS.labels(self.name).time():
                outcome = await self._apply_until_settled(record, envelope, contract)
        finally:
            correlation_id.reset(context)
        EVENTS_CONSUMED.labels(self.name, envelope.event_type, outcome).inc()

    async def _apply_until_settled(
        self, record: Any, envelope: Envelope, contract: Contract
    ) -> str:
        """What became of the event: applied, duplicate or dead_lettered."""
        failures = 0
        while True:
            try:
                applied = await self.apply_once(record, envelope, contract)
                return "applied" if applied else "duplicate"
            except RejectedEvent as error:
                await self.dead_letters.park(record, error)
                return "dead_lettered"
            except Exception as error:
                failures += 1
                if not is_transient(error) and failures >= ATTEMPTS_BEFORE_PARKING:
                    log.exception(
                        "dead-lettering %s after %d failures", envelope.event_id, failures
                    )
                    await self.dead_letters.park(record, error)
                    return "dead_lettered"
                log.warning("applying %s failed (%s); retrying", envelope.event_id, error)
                await asyncio.sleep(min(0.1 * 2**failures, 5.0))

    async def apply_once(self, record: Any, envelope: Envelope, contract: Contract) -> bool:
        """True if applied now, False if this event was applied before."""
        async with self.sessions.begin() as session:
            first_time = await session.execute(
                insert(self.inbox)
                .values(
                    event_id=envelope.event_id,
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                )
                .on_conflict_do_nothing()
                .returning(self.inbox.c.event_id)
            )
            if first_time.first() is None:
                return False
            await self.apply(session, envelope, contract)
        return True
