"""Proposals from official lists: made for a consumed batch of the register's matches in
one transaction and a few statements, then confirmed (filing an application that goes to
review like any other), declined, or lapsed when their round closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.auth.principal import Principal
from shared.contracts import Contract, parse_payload
from shared.contracts.lists import (
    ListEntry,
    OfficialListEntries,
    OfficialListMatched,
    OfficialListUnitResolved,
    UnitRef,
)
from shared.contracts.proposals import ApplicationProposed, PriorClaim, ProposalWithheld
from shared.contracts.values import Contact, Enterprise, Evidence
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, Connectable, StreamHead
from shared.policy import AchievementRules, policy_version
from shared.rules.achievements import achievement_key
from shared.rules.claims import claim_record

from .adapters import proposal_reads as read
from .adapters.projections import project_many
from .adapters.repository import load_round
from .domain import application as intake
from .domain.errors import NotFound
from .domain.filing import Filing
from .domain.proposal import Proposal
from .domain.proposing import (
    Prior,
    achieved_on,
    claim_from_entry,
    covered_by,
    industry_of,
    proposal_id,
    rounds_for,
)
from .domain.rounds import FundingRound
from .handlers import ApplicationsService, Key, head_of
from .scope import check_filing, submitted_via

# What proposing acts on, of the register topic (the entries are kept by the projection).
LIST_EVENTS: tuple[type[Contract], ...] = (
    OfficialListEntries,
    OfficialListMatched,
    OfficialListUnitResolved,
)
# Units proposed between two pauses of the event loop (about a tenth of a second of CPU).
CHUNK = 500
Unit = tuple[Envelope, UnitRef, str]  # the event that matched it, the unit, its enterprise


@dataclass
class ProposalsService:
    applications: ApplicationsService
    actor: Actor

    async def on_list_events(
        self, session: Connectable, events: Sequence[tuple[Envelope, Contract]]
    ) -> None:
        """Propose, for every unit matched (or resolved by a person) in the batch, a
        pre-filled application in each round open now whose period covers the entry."""
        units = list(_matched_units(events))
        if not units:
            return
        now = self.applications.clock()
        rounds = await read.rounds_taking_submissions(session, now)
        if not rounds:
            return
        codes = {code for _, _, code in units}
        # A list's entries travel just before its matches: most are in this very batch,
        # already parsed; only the others are read back.
        entries = _entries_in(events)
        wanted = {(u.list_id, u.entry) for _, u, _ in units} - entries.keys()
        if wanted:
            entries |= await read.entries(session, wanted)
        batch = Proposing(
            entries=entries,
            records=await read.enterprises(session, codes),
            priors=await read.priors(session, codes),
        )
        candidates = [batch.id_of(r.id, u) for _, u, _ in units for r in rounds]
        batch.made = await read.existing(session, candidates)
        # One transaction, written a chunk at a time: each chunk's proposing and sealing
        # is CPU without a pause, and 20,000 at once would hold the event loop (the
        # consumer's heartbeats, the HTTP requests) for seconds.
        for start in range(0, len(units), CHUNK):
            writes = [
                (StreamHead(), [event], Cause.following(envelope, self.actor))
                for envelope, unit, code in units[start : start + CHUNK]
                for event in batch.propose(unit, code, rounds, now)
            ]
            sealed = await self.applications.store.append_each(session, writes)
            await project_many(
                session, [(e, w[1][0]) for [e], w in zip(sealed, writes, strict=True)]
            )

    async def confirm(
        self,
        id_: str,
        contact: Contact,
        evidence: list[Evidence],
        caller: Principal,
        cause: Cause,
        key: Key = None,
    ) -> str:
        """File the proposed application, with the enterprise's contact and evidence."""
        apps = self.applications
        application_id = apps.new_id()
        async with apps.transaction(key, application_id) as session:
            round_, stream = await self._locked(session, id_, caller)
            current = Proposal.replay(parse_payload(e) for e in stream)
            confirmed = current.confirm(application_id, caller.subject)
            assert current.enterprise is not None  # an open proposal was made with both
            assert current.claim is not None
            now = apps.clock()
            round_.refuse_submission_at(now)
            filing = Filing(current.enterprise, current.claim, evidence, contact)
            check_filing(caller, filing)
            submitted = intake.submit(
                application_id, round_, filing, submitted_via(caller), proposal_id=id_
            )
            enterprise = await apps.refuse_excluded(session, filing, now)
            # Its industry code the register's, as any filing's (policies from 2026.4).
            submitted = submitted.model_copy(update={"enterprise": enterprise})
            await apps.save(session, head_of(stream), [confirmed], cause)
            await apps.save(session, StreamHead(), [submitted], cause)
        return application_id

    async def decline(
        self, id_: str, reason: str, caller: Principal, cause: Cause, key: Key = None
    ) -> None:
        """Record the enterprise's decline of an open proposal."""
        apps = self.applications
        async with apps.transaction(key, id_) as session:
            _, stream = await self._locked(session, id_, caller)
            current = Proposal.replay(parse_payload(e) for e in stream)
            declined = current.decline(caller.subject, reason)
            await apps.save(session, head_of(stream), [declined], cause)

    async def _locked(
        self, session: Connectable, id_: str, caller: Principal
    ) -> tuple[FundingRound, list[Envelope]]:
        """The proposal's round, locked as a submission locks it (a closing waits, and
        then lapses what is still open), and its events read under that lock; NotFound
        too when it is another enterprise's. Its row is written with its events."""
        row = await read.round_and_enterprise(session, id_)
        if row is None or (caller.role == "applicant" and row[1] != caller.credit_code):
            raise NotFound("proposal_id", "exists", f"no proposal {id_}")
        round_ = await load_round(session, row[0], lock="share")
        return round_, await self.applications.store.stream(session, id_)


@dataclass
class Proposing:
    """What one consumed batch proposes from: read once, then decided in memory, each
    proposal made counting as a prior for the units after it (two lists of the batch
    naming one achievement of one enterprise propose it once)."""

    entries: dict[tuple[str, int], ListEntry]
    records: dict[str, tuple[str, str]]
    priors: dict[str, list[Prior]]
    made: set[str] = field(default_factory=set)
    _keys: dict[tuple[str, str], str] = field(default_factory=dict)
    _ids: dict[tuple[str, str, int, int], str] = field(default_factory=dict)

    def id_of(self, round_id: str, unit: UnitRef) -> str:
        """The proposal's id, derived once per batch (uuid5 is not free at 20,000)."""
        key = (round_id, unit.list_id, unit.entry, unit.unit)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = proposal_id(round_id, unit)
        return found

    def propose(
        self, unit: UnitRef, code: str, rounds: list[FundingRound], now: datetime
    ) -> list[Contract]:
        entry = self.entries.get((unit.list_id, unit.entry))
        if entry is None:  # the list's stream carries its entries before its matches
            raise LookupError(f"entry {unit.entry} of list {unit.list_id} was never received")
        record = self.records.get(code)
        if record is None:  # matched against the register: its copy is only behind
            raise LookupError(f"{code} is not in the register copy yet")
        claim = claim_from_entry(entry, unit.unit)
        claimed = claim_record(claim)
        made: list[Contract] = []
        for round_ in rounds_for(rounds, achieved_on(entry), now):
            id_ = self.id_of(round_.id, unit)
            if id_ in self.made:
                continue
            self.made.add(id_)
            rules = policy_version(round_.policy_version).achievement_rules
            key = achievement_key(claimed, rules)
            same = [p for p in self.priors.get(code, []) if self._key(p, rules) == key]
            covered = covered_by(same, claimed)
            if covered is not None:
                reason, prior = covered
                by = PriorClaim(kind=prior.kind, id=prior.id, state=prior.state)
                made.append(
                    ProposalWithheld(
                        proposal_id=id_,
                        round_id=round_.id,
                        credit_code=code,
                        claim=claim,
                        source=unit,
                        reason=reason,
                        covered_by=by,
                    )
                )
                continue
            name, industry_code = record
            made.append(
                ApplicationProposed(
                    proposal_id=id_,
                    round_id=round_.id,
                    policy_version=round_.policy_version,
                    enterprise=Enterprise(
                        credit_code=code,
                        name=name,
                        industry=industry_of(industry_code),
                        industry_code=industry_code,  # what policies from 2026.4 rank by
                    ),
                    claim=claim,
                    source=unit,
                    source_document=entry.source_document,
                )
            )
            self.priors.setdefault(code, []).append(Prior("proposal", id_, "proposed", claimed))
        return made

    def _key(self, prior: Prior, rules: AchievementRules) -> str:
        """A prior's achievement under the proposing round's rules, as scoring re-keys
        earlier payments (shared/rules/achievements.paid_by_achievement)."""
        cached = self._keys.get((prior.id, rules))
        if cached is None:
            cached = self._keys[(prior.id, rules)] = achievement_key(prior.claim, rules)
        return cached


def _entries_in(events: Sequence[tuple[Envelope, Contract]]) -> dict[tuple[str, int], ListEntry]:
    return {
        (event.list_id, numbered.number): numbered.entry
        for _, event in events
        if isinstance(event, OfficialListEntries)
        for numbered in event.entries
    }


def _matched_units(events: Sequence[tuple[Envelope, Contract]]) -> list[Unit]:
    units: list[Unit] = []
    for envelope, event in events:
        if isinstance(event, OfficialListMatched):
            units += [
                (
                    envelope,
                    UnitRef(list_id=event.list_id, entry=m.entry, unit=m.unit),
                    m.credit_code,
                )
                for m in event.matches
                if m.outcome == "matched" and m.credit_code is not None
            ]
        elif isinstance(event, OfficialListUnitResolved) and event.credit_code is not None:
            ref = UnitRef(list_id=event.list_id, entry=event.entry, unit=event.unit)
            units.append((envelope, ref, event.credit_code))
    return units
