"""Load, decide, save: each command in one transaction with the events it causes, and
with its Idempotency-Key when the request came with one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from asyncpg.exceptions import UniqueViolationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from shared.auth.principal import Principal
from shared.contracts import Contract, parse_payload
from shared.contracts.values import Enterprise
from shared.envelope import Envelope
from shared.eventstore import Cause, Connectable, EventStore, StreamHead, stale_error
from shared.register_copy import enterprise_record, register_in_use
from shared.relay import events_written

from .adapters import repository
from .adapters.driver import Driver, driver_of, transaction
from .adapters.idempotency import KeyClaim, claim
from .adapters.intake_facts import IntakeFacts, intake_facts
from .adapters.leads import claims_to_lead_alike
from .adapters.projections import (
    project,
    project_many,
    write_applications,
    write_submissions,
)
from .adapters.proposal_reads import open_in_round
from .adapters.repository import load_round
from .adapters.revocations import revocations_of
from .adapters.tables import register
from .commands import (
    AmendApplication,
    OpenRound,
    ReviewApplication,
    SubmitApplication,
    WithdrawApplication,
)
from .domain import application as intake
from .domain.errors import NotFound
from .domain.filing import Filing
from .domain.intake_rules import refuse_barred, refuse_unregistered, registered_industry
from .domain.lead import LeadReview, rivals
from .domain.proposal import Proposal
from .domain.rounds import open_round
from .scope import check_filing, submitted_via

Key = KeyClaim | None


@dataclass
class ApplicationsService:
    sessions: async_sessionmaker[AsyncSession]
    store: EventStore
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    # A command's transaction is on a plain connection: it runs Core statements only, and
    # an ORM session around them cost a third of a small command's CPU.
    engine: AsyncEngine
    # Check filings against the register even before any load of it was received.
    register_required: bool = False

    async def open_round(self, command: OpenRound, cause: Cause, key: Key = None) -> str:
        round_id = self.new_id()
        opened = open_round(round_id, command)
        async with self._begin(key, round_id) as session:
            await self.save(session, StreamHead(), [opened], cause)
        return round_id

    async def close_round(self, round_id: str, cause: Cause, key: Key = None) -> None:
        async with self._begin(key, round_id) as session:
            round_ = await load_round(session, round_id, lock="update")
            versions = await repository.versions_in_round(session, self.store.table, round_id)
            closed = round_.close(self.clock(), versions)
            [closing] = await self.save(
                session, await self.store.head(session, round_id), [closed], cause
            )
            following = Cause.following(closing, cause.actor)
            await self._lapse_returned(session, round_id, following)
            await self._lapse_proposals(session, round_id, following)

    async def submit(
        self, command: SubmitApplication, caller: Principal, cause: Cause, key: Key = None
    ) -> str:
        check_filing(caller, command.filing)
        application_id = self.new_id()
        dialect = self.engine.dialect
        async with self._writing_events_on_driver(key, application_id) as driver:
            # Shares the round's row lock with other submissions, excludes a closing.
            code = command.filing.enterprise.credit_code
            facts = await intake_facts(driver, dialect, command.round_id, code)
            now = self.clock()
            facts.round.refuse_submission_at(now)
            submitted = intake.submit(
                application_id, facts.round, command.filing, submitted_via(caller)
            )
            enterprise = self._admitted(command.filing, facts, now)
            submitted = submitted.model_copy(update={"enterprise": enterprise})
            writes = [(StreamHead(), [submitted], cause)]
            [sealed] = self.store.seal_each(writes)
            try:
                await write_submissions(driver, dialect, [(sealed[0], submitted)])
            except UniqueViolationError as error:
                raise stale_error(writes, [sealed]) from error
        return application_id

    async def amend(
        self, command: AmendApplication, caller: Principal, cause: Cause, key: Key = None
    ) -> None:
        check_filing(caller, command.filing)
        async with self._begin(key, command.application_id) as session:
            stream = await self.stream(session, command.application_id, caller)
            current = intake.Application.replay(parse_payload(e) for e in stream)
            code = command.filing.enterprise.credit_code
            driver = await driver_of(session)  # in the transaction the stream's read began
            facts = await intake_facts(driver, session.dialect, current.round_id, code)
            now = self.clock()
            facts.round.refuse_submission_at(now)
            amended = current.amend(command.filing, facts.round)
            enterprise = self._admitted(command.filing, facts, now)
            amended = amended.model_copy(update={"enterprise": enterprise})
            await self.save(session, head_of(stream), [amended], cause)

    async def review(self, command: ReviewApplication, cause: Cause, key: Key = None) -> None:
        async with self._begin(key, command.application_id) as session:
            stream = await self.stream(session, command.application_id)
            current = intake.Application.replay(parse_payload(e) for e in stream)
            alike = (
                await claims_to_lead_alike(session, command.application_id)
                if current.claims_lead
                else None
            )
            disputed_by = rivals(*alike) if alike else ()
            reviewed = current.review(
                command.decision,
                command.reason_code,
                command.note,
                command.accept_credit_code,
                LeadReview(command.lead_decision, disputed_by),
            )
            await self.save(session, head_of(stream), [reviewed], cause)

    async def withdraw(
        self, command: WithdrawApplication, caller: Principal, cause: Cause, key: Key = None
    ) -> None:
        async with self._begin(key, command.application_id) as session:
            stream = await self.stream(session, command.application_id, caller)
            current = intake.Application.replay(parse_payload(e) for e in stream)
            # Shares the round's lock: a closing waits, and sees the withdrawal.
            round_ = await load_round(session, current.round_id, lock="share")
            round_.refuse_withdrawal()
            status = await repository.status_of(session, current.id)
            withdrawn = current.withdraw(
                command.reason, decided=status in ("awarded", "not_awarded")
            )
            await self.save(session, head_of(stream), [withdrawn], cause)

    @asynccontextmanager
    async def _begin(self, key: Key, answer_id: str) -> AsyncIterator[AsyncConnection]:
        """A transaction that first claims the request's key, so that of two requests
        with one key the second waits for the first and then does nothing."""
        async with self.engine.begin() as session:
            if key is not None:
                await claim(session, key, {"id": answer_id}, self.clock())
            yield session

    @asynccontextmanager
    async def _writing_events_on_driver(self, key: Key, answer_id: str) -> AsyncIterator[Driver]:
        """`_begin`'s transaction for statements on the driver (adapters/driver.py) that
        write events. A request without a key runs on the driver alone (SQLAlchemy's
        execution cost a submission about 0.25 ms); a key's claim is SQLAlchemy's, and
        begins the transaction the driver's statements then run in. Either way the relay
        is told of the events: it sees only what SQLAlchemy executes."""
        if key is None:
            async with transaction(self.engine, writes_events=True) as driver:
                yield driver
            return
        async with self._begin(key, answer_id) as session:
            yield await driver_of(session)
            events_written(session)  # a rollback takes it back

    def transaction(self, key: Key, answer_id: str) -> AbstractAsyncContextManager[AsyncConnection]:
        """A command's transaction, with its Idempotency-Key: how a confirmed proposal
        (proposals.py) is filed as a submission is."""
        return self._begin(key, answer_id)

    async def refuse_excluded(
        self, session: Connectable, filing: Filing, now: datetime
    ) -> Enterprise:
        """Intake's exclusions (the three-year bar, the register's rules), for a filing
        made elsewhere than `submit` (a confirmed proposal); the enterprise as recorded."""
        return await self._refuse_excluded(session, filing, now)

    async def _refuse_excluded(
        self, session: Connectable, filing: Filing, now: datetime
    ) -> Enterprise:
        """Refuse an enterprise the program's rules exclude; the enterprise as recorded
        (with the register's industry code, when the register is in use)."""
        code = filing.enterprise.credit_code
        refuse_barred(code, await revocations_of(session, code), now)
        if not (self.register_required or await register_in_use(session, register)):
            return filing.enterprise
        record = await enterprise_record(session, register, code)
        refuse_unregistered(code, record, now)
        return registered_industry(filing.enterprise, record)

    def _admitted(self, filing: Filing, facts: IntakeFacts, now: datetime) -> Enterprise:
        """`_refuse_excluded`'s rules over the facts read with the round."""
        code = filing.enterprise.credit_code
        refuse_barred(code, facts.revocations, now)
        if not (self.register_required or facts.register_in_use):
            return filing.enterprise
        refuse_unregistered(code, facts.record, now)
        return registered_industry(filing.enterprise, facts.record)

    async def _lapse_returned(self, session: Connectable, round_id: str, cause: Cause) -> None:
        for application_id in await repository.returned_in_round(session, round_id):
            stream = await self.stream(session, application_id)
            lapsed = intake.Application.replay(parse_payload(e) for e in stream).lapse()
            if lapsed is not None:
                await self.save(session, head_of(stream), [lapsed], cause)

    async def _lapse_proposals(self, session: Connectable, round_id: str, cause: Cause) -> None:
        """Open proposals lapse with their round, in one statement however many. A
        proposal's row is written with its events, so `open` here is its state."""
        ids = await open_in_round(session, round_id)
        heads = await self.store.heads(session, ids)
        lapsed = [Proposal(id_, round_id, "open").lapse() for id_ in ids]
        writes = [(heads[e.proposal_id], [e], cause) for e in lapsed if e is not None]
        sealed = await self.store.append_each(session, writes)
        await project_many(session, [(e, w[1][0]) for [e], w in zip(sealed, writes, strict=True)])

    async def stream(
        self, session: Connectable, application_id: str, caller: Principal | None = None
    ) -> list[Envelope]:
        """The application's events; NotFound too when the caller may not see it. Its
        projection row is written with its events, so it is never behind them here."""
        if caller is not None and not await repository.visible(session, application_id, caller):
            raise NotFound("application_id", "exists", f"no application {application_id}")
        stream = await self.store.stream(session, application_id)
        if not stream:
            raise NotFound("application_id", "exists", f"no application {application_id}")
        return stream

    async def save(
        self, session: Connectable, head: StreamHead, events: Sequence[Contract], cause: Cause
    ) -> list[Envelope]:
        if all(event.aggregate_type == "application" for event in events):
            return await self._save_application(session, head, events, cause)
        sealed = await self.store.append(session, head, events, cause)
        for envelope, event in zip(sealed, events, strict=True):
            await project(session, envelope, event)
        return sealed

    async def _save_application(
        self, session: Connectable, head: StreamHead, events: Sequence[Contract], cause: Cause
    ) -> list[Envelope]:
        """An application's events stored in the statements that write its row (one for
        a submission, two for a change) rather than in one more of their own."""
        writes = [(head, events, cause)]
        [sealed] = self.store.seal_each(writes)
        try:
            await write_applications(session, list(zip(sealed, events, strict=True)))
        except IntegrityError as error:
            raise stale_error(writes, [sealed]) from error
        return sealed


def head_of(stream: list[Envelope]) -> StreamHead:
    return StreamHead(stream[-1].aggregate_version, stream[-1].hash)
