"""Publicity, objections and the final decision: load, decide, save, each in one
transaction with the events it causes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import NAMESPACE_URL, uuid5

from shared.contracts import Contract, parse_payload
from shared.contracts.payments import AwardRevoked
from shared.contracts.publicity import AwardFinalised, FinalAward, Objector
from shared.contracts.scoring import (
    ApplicationAwarded,
    ApplicationNotAwarded,
    ApplicationScored,
    ProposedAwardWithdrawn,
    RoundAllocated,
)
from shared.contracts.values import ChainHead, Evidence
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, Connectable
from shared.register_copy import CONSUMES as REGISTER_EVENTS

from .adapters import publicity as read
from .adapters.projections import project_many
from .adapters.repository import load_round
from .domain import finalisation, objections, published_list
from .domain.application import Application
from .domain.errors import NotFound, TooMany
from .handlers import ApplicationsService, head_of

# What the applications service acts on, of the scoring and payments topics
# (`on_scoring_events`): the AsyncAPI document shows it as the subscriber's message.
SCORING_EVENTS: tuple[type[Contract], ...] = (
    ApplicationScored,
    ApplicationAwarded,
    ApplicationNotAwarded,
    ProposedAwardWithdrawn,
    RoundAllocated,
    AwardRevoked,
    *REGISTER_EVENTS,
)


@dataclass(frozen=True)
class IntakeLimits:
    """How many objections the public endpoint takes, per client address and per
    objector, in each window. Generous for a genuine objector, who is told when to retry."""

    per_address: int = 20
    per_objector: int = 10
    window: timedelta = timedelta(hours=1)


@dataclass
class PublicityService:
    applications: ApplicationsService
    actor: Actor
    limits: IntakeLimits = IntakeLimits()

    async def on_scoring_events(
        self, session: Connectable, events: Sequence[tuple[Envelope, Contract]]
    ) -> None:
        """Fold scoring's decisions in; publish the list each allocation of a round makes."""
        await project_many(session, events)
        for envelope, event in events:
            if isinstance(event, RoundAllocated):
                await self._publish(session, envelope, event)

    async def _publish(
        self, session: Connectable, allocated_at: Envelope, allocated: RoundAllocated
    ) -> None:
        round_ = await load_round(session, allocated.round_id, lock="update")
        store = self.applications.store
        enterprises = await read.enterprises(session, round_.id)
        ours = await store.heads(session, [round_.id, *enterprises])
        heads = [
            ChainHead(source=store.source, aggregate_id=aggregate, version=h.version, hash=h.hash)
            for aggregate, h in ours.items()
            if h.version
        ]
        heads += [*allocated.heads, _head_of(allocated_at)]
        listed = published_list.publish(round_, allocated, enterprises, heads, self._now())
        if listed is not None:
            cause = Cause.following(allocated_at, self.actor)
            await self.applications.save(session, ours[round_.id], [listed], cause)

    async def lodge_objection(
        self,
        round_id: str,
        application_id: str,
        objector: Objector,
        grounds: str,
        evidence: list[Evidence],
        address: str,
        cause: Cause,
    ) -> str:
        """The same objection sent again (a retry) answers its first id and adds nothing,
        whatever the limits. Every other request counts against its address and objector,
        refused or not: a flood of bad requests is a flood too."""
        objection_id = _objection_id(application_id, objector, grounds)
        async with self.applications.sessions.begin() as session:
            if await read.objection_exists(session, objection_id):
                return objection_id
        async with self.applications.sessions.begin() as session:
            await self._count(session, address, objector)
        objections.check_objector(objector)
        async with self.applications.sessions.begin() as session:
            round_ = await load_round(session, round_id, lock="share")
            objections.refuse_objection_at(round_, self._now())
            listed = await read.latest_list(session, round_id) or {"entries": []}
            if application_id not in {e["application_id"] for e in listed["entries"]}:
                raise NotFound(
                    "application_id",
                    "in_published_list",
                    f"application {application_id} is not in the published list of round "
                    f"{round_id}",
                )
            stream = await self.applications.stream(session, application_id)
            lodged = Application.replay(parse_payload(e) for e in stream).object_to(
                objection_id, objector, grounds, evidence
            )
            await self.applications.save(session, head_of(stream), [lodged], cause)
        return objection_id

    async def decide_objection(
        self,
        objection_id: str,
        decision: Literal["dismissed", "upheld"],
        reasons: str,
        cause: Cause,
    ) -> None:
        async with self.applications.sessions.begin() as session:
            lodged = await read.objection_of(session, objection_id)
            if lodged is None:
                raise NotFound("objection_id", "exists", f"no objection {objection_id}")
            stream = await self.applications.stream(session, lodged["application_id"])
            current = Application.replay(parse_payload(e) for e in stream)
            decided = current.decide_objection(objection_id, decision, reasons)
            await self.applications.save(session, head_of(stream), [decided], cause)

    async def finalise(self, round_id: str, cause: Cause) -> None:
        async with self.applications.sessions.begin() as session:
            round_ = await load_round(session, round_id, lock="update")
            listed = await read.latest_list(session, round_id) or {"entries": []}
            awards = [
                FinalAward(
                    application_id=e["application_id"],
                    credit_code=e["credit_code"],
                    amount_yuan=e["proposed_amount_yuan"],
                )
                for e in listed["entries"]
            ]
            standing = await read.standing(session, round_id)
            final = finalisation.finalise(round_, standing, awards, self._now())
            store = self.applications.store
            [finalised] = await self.applications.save(
                session, await store.head(session, round_id), [final], cause
            )
            following = Cause.following(finalised, cause.actor)
            heads = await store.heads(session, [a.application_id for a in final.awards])
            # One statement for a round's awards, however many: a round may have thousands.
            writes = [
                (
                    heads[award.application_id],
                    [
                        AwardFinalised(
                            application_id=award.application_id,
                            round_id=round_id,
                            amount_yuan=award.amount_yuan,
                        )
                    ],
                    following,
                )
                for award in final.awards
            ]
            sealed = await store.append_each(session, writes)
            await project_many(
                session, [(e, w[1][0]) for [e], w in zip(sealed, writes, strict=True)]
            )

    async def _count(self, session: Connectable, address: str, objector: Objector) -> None:
        who = (objector.credit_code or objector.email).casefold()
        limits = {
            f"address:{address}": self.limits.per_address,
            f"objector:{who}": self.limits.per_objector,
        }
        counts = await read.count_intake(session, list(limits), self._now(), self.limits.window)
        for bucket, (count, window_ends) in counts.items():
            if count > limits[bucket]:
                wait = max(1, int((window_ends - self._now()).total_seconds()) + 1)
                kind = bucket.partition(":")[0]
                raise TooMany(
                    kind,
                    "rate_limited",
                    f"more than {limits[bucket]} objections from this {kind} within "
                    f"{self.limits.window}; try again in {wait} seconds",
                    retry_after=wait,
                )

    def _now(self) -> datetime:
        return self.applications.clock()


def _head_of(envelope: Envelope) -> ChainHead:
    return ChainHead(
        source=envelope.source,
        aggregate_id=envelope.aggregate_id,
        version=envelope.aggregate_version,
        hash=envelope.hash,
    )


def _objection_id(application_id: str, objector: Objector, grounds: str) -> str:
    """One id per objector, application and grounds: a resent objection is the same one."""
    digest = hashlib.sha256(grounds.encode()).hexdigest()
    who = (objector.credit_code or objector.email).casefold()
    return str(uuid5(NAMESPACE_URL, f"qsfund:objection:{application_id}:{who}:{digest}"))
