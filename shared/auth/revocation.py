"""Revoking tokens before they expire (issue 19, item 3): one token by its `jti`, or every
token of a subject issued before a moment (a stolen laptop, a platform's leaked key, a
person who left).

A revocation is recorded on the revocations topic (`<namespace>.auth.revocations`),
kept forever like every topic of ours: it is the record of who revoked what and why.
Every instance of every service reads that topic whole, with no consumer group (each
instance must see every revocation, not a share of them), into an in-memory list that
`authorize` consults after a token's signature and claims pass: a revoked token is
refused with 401 `token_revoked`, within the time a record takes to reach the
consumers (well under a second; README says "within seconds").

An instance that has not yet read the topic to its end since it started cannot know
what is revoked: requests with a token wait for it a few seconds, then get 503
`revocations_unknown`. Once read, a broker outage leaves the instance refusing what
it knew.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from .principal import AuthError, Principal

log = logging.getLogger(__name__)
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class Revocation(BaseModel):
    """One revocation as the topic records it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["token", "subject"]
    # kind "token": the token's jti, and its expiry (after which it is refused anyway,
    # so the list may forget it).
    token_id: str | None = Field(default=None, min_length=1, max_length=200)
    expires_at: AwareDatetime | None = None
    # kind "subject": every token of the subject issued before the moment.
    subject: str | None = Field(default=None, min_length=1, max_length=200)
    issued_before: AwareDatetime | None = None
    reason: Reason
    revoked_by: str
    revoked_at: AwareDatetime

    def key(self) -> str:
        return f"token:{self.token_id}" if self.kind == "token" else f"subject:{self.subject}"


@dataclass
class RevocationList:
    """What this instance knows is revoked. No I/O."""

    # jti -> the token's expiry (epoch seconds): forgotten once it has passed.
    tokens: dict[str, int] = field(default_factory=dict)
    # subject -> tokens issued before this moment (epoch seconds) are refused.
    subjects: dict[str, int] = field(default_factory=dict)

    def apply(self, revocation: Revocation) -> None:
        if revocation.kind == "token" and revocation.token_id:
            expires = revocation.expires_at
            self.tokens[revocation.token_id] = int(expires.timestamp()) if expires else 2**62
        elif revocation.kind == "subject" and revocation.subject and revocation.issued_before:
            before = int(revocation.issued_before.timestamp())
            # A later revocation never shortens an earlier one's reach.
            self.subjects[revocation.subject] = max(
                before, self.subjects.get(revocation.subject, 0)
            )

    def refusal(self, principal: Principal) -> str | None:
        """Why the principal's token is revoked, or None."""
        if principal.token_id is not None and principal.token_id in self.tokens:
            return "this token was revoked"
        before = self.subjects.get(principal.subject)
        if before is not None and principal.issued_at < before:
            return f"the tokens of {principal.subject!r} issued before {before} were revoked"
        return None

    def forget_expired(self, now: float) -> None:
        for token_id in [t for t, expires in self.tokens.items() if expires < now]:
            del self.tokens[token_id]


@dataclass
class RevocationFeed:
    """Reads the revocations topic into the list: from its beginning at start, then as
    records come. `caught_up` is set once it has read what the topic held at start."""

    bootstrap: str
    topic: str
    revoked: RevocationList = field(default_factory=RevocationList)
    caught_up: asyncio.Event = field(default_factory=asyncio.Event)
    clock: Callable[[], float] = time.time
    # Set when the service's lifespan starts the feed. An app served without its
    # lifespan (the unit tests' apps, which reach no broker) has no feed to wait for.
    started: bool = False

    async def run(self) -> None:
        """A service's background task: reads until cancelled, reconnecting on errors."""
        self.started = True
        while True:
            try:
                await self._read()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a broker outage: try again, keep what is known
                log.warning("revocations not read (retrying in 2 s): %s", error)
                await asyncio.sleep(2)

    async def _read(self) -> None:
        # No group: the consumer is given every partition of the topic it subscribes to,
        # and starts from the beginning (nothing is committed).
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            consumer.subscribe([self.topic])
            ends: dict[TopicPartition, int] | None = None
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    for record in records:
                        self._apply(record.value)
                if ends is None and consumer.assignment():
                    # What the topic held when this instance first saw its partitions.
                    ends = await consumer.end_offsets(list(consumer.assignment()))
                caught_up = self.caught_up.is_set()
                if ends is not None and not caught_up and await _read_to(consumer, ends):
                    self.caught_up.set()
                self.revoked.forget_expired(self.clock())
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()

    def _apply(self, value: bytes | None) -> None:
        try:
            self.revoked.apply(Revocation.model_validate_json(value or b""))
        except ValidationError as error:
            # Ours to write, so never expected: said loudly, and the rest still applies.
            log.error("a revocation record could not be read: %s", error)

    async def refusal(self, principal: Principal, wait_seconds: float = 5) -> str | None:
        """Why the principal's token is refused; RevocationsUnknown while this instance
        has not read the topic since it started."""
        if self.started and not self.caught_up.is_set():
            try:
                async with asyncio.timeout(wait_seconds):
                    await self.caught_up.wait()
            except TimeoutError:
                raise RevocationsUnknown() from None
        return self.revoked.refusal(principal)


async def _read_to(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    """Whether the consumer has read every partition up to `ends`."""
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return False
    return True


class RevocationsUnknown(AuthError):
    """The instance has not read the revocations since it started: 503, retry."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            "revocations_unknown",
            "this instance has not yet read which tokens are revoked; retry in a moment",
        )


def revocation_of(
    *,
    token_id: str | None,
    expires_at: datetime | None,
    subject: str | None,
    issued_before: datetime | None,
    reason: str,
    revoked_by: str,
    now: datetime,
) -> Revocation:
    """A revocation as an operator or the issuer asks for it: a token or a subject."""
    if token_id is not None:
        return Revocation(
            kind="token",
            token_id=token_id,
            expires_at=expires_at,
            reason=reason,
            revoked_by=revoked_by,
            revoked_at=now,
        )
    return Revocation(
        kind="subject",
        subject=subject,
        issued_before=issued_before or now,
        reason=reason,
        revoked_by=revoked_by,
        revoked_at=now,
    )
