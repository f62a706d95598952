"""The verdict of `qsfund-audit verify`, pure: every check over the whole history, or the
part of it about one round (the command is `cli.verify`, its processes `verify_run`).

The history is read in shards of partitions, each by its own `Verifier`: an
application's events share a partition number on both topics (both are keyed by its
id), so everything about one application is checked where its partition is read, and
only compact facts travel on to `merge`, which runs the checks that span rounds and
partitions. One shard of every partition is the single-process case.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, NamedTuple

import msgspec

from shared.hashchain import ChainChecker

from . import payloads, publicity_facts
from .application import AMENDED, SCORED, SUBMITTED, Application, Scored, Step
from .bar import Revocation, Submission, check_bar
from .causality import check_application, check_causes
from .facts import ApplicationFacts, Decision, micros
from .findings import Finding
from .history import DECISIONS
from .intake import IntakeFacts, check_intake, intake_facts
from .kept import KeptList, check_kept
from .limits import check_limits
from .lookups import Answers, Found, Listing, Lookups, lookups_of
from .payment_ledger import replay_ledger
from .payments import Award, check_payments
from .publicity import check_publicity
from .publicity_facts import FINAL, Final, Noted, publicity_of
from .records import (
    NOT_APPLICATIONS,
    Coordinates,
    Heading,
    LoggedEvent,
    Unreadable,
    content_hash,
    parse,
    read_heading,
)
from .register import RegisterAsOf
from .reproduction import RoundsReproduction, reproduce_rounds, reproduce_scores
from .rounds import rounds_of

CHAIN = "hash chain"
_NOWHERE = Coordinates("", -1, -1)
_new = tuple.__new__


class ShardResult(msgspec.Struct, array_like=True, gc=False):
    """What one shard found, and what the checks across shards need from it: sent to the
    parent process as msgpack (see `shards`)."""

    events_read: int
    findings: list[Finding]
    applications: list[ApplicationFacts]
    round_streams: dict[str, list[LoggedEvent]]
    revocations: list[Revocation] = []  # every AwardRevoked read: the bar's, checked in merge


@dataclass
class Verdict:
    findings: list[Finding]
    events_read: int
    applications: int
    rounds: int


class Occurrence(NamedTuple):
    """Where an event id was read, and with which hash."""

    at: Coordinates
    event_id: str
    hash: str
    aggregate_type: str
    aggregate_id: str


@dataclass
class Verifier:
    """One shard's reader: checks each event as it comes, keeps what the checks at the
    end need."""

    chains: ChainChecker = field(default_factory=ChainChecker)
    applications: dict[str, Application] = field(default_factory=dict)
    rounds: dict[str, list[LoggedEvent]] = field(default_factory=dict)
    # The payments service's streams, one per final award (by application id): few, and
    # decoded whole, for the payment checks and the ledger's replay.
    awards: dict[str, list[LoggedEvent]] = field(default_factory=dict)
    reviews: dict[str, tuple[str, object, int, object]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    events_read: int = 0

    def observe(self, raw: bytes, at: Coordinates) -> None:
        """Take one record in its partition's log order."""
        self.events_read += 1
        try:
            event = read_heading(raw)
        except Unreadable as error:
            self.findings.append(Finding("readable", str(error), at))
            return
        event_id, aggregate_id, recorded = event.event_id, event.aggregate_id, event.hash
        earlier = self.chains.seen.get(event_id)
        reasons = self.chains.check(
            event_id,
            event.source,
            aggregate_id,
            event.aggregate_version,
            event.previous_hash,
            recorded,
            content_hash(raw, recorded),
        )
        on_round = event.aggregate_type == "round"
        if reasons:
            self.findings += [
                Finding(
                    CHAIN,
                    reason,
                    at,
                    event_id,
                    None if on_round else aggregate_id,
                    aggregate_id if on_round else None,
                )
                for reason in reasons
            ]
        if reasons is None or earlier == recorded:
            return  # the same event again: its first reading stands
        if on_round:  # a few hundred in a million: decoded whole
            self.rounds.setdefault(aggregate_id, []).append(parse(raw, at))
            return
        if event.aggregate_type in NOT_APPLICATIONS:
            return  # their chains are checked above; they are no application's stream
        if event.aggregate_type == "award":
            try:
                self.awards.setdefault(aggregate_id, []).append(parse(raw, at))
            except Unreadable as error:
                self.findings.append(Finding("readable", str(error), at, event_id, aggregate_id))
            return
        application = self.applications.get(aggregate_id)
        if application is None:
            application = self.applications[aggregate_id] = Application(aggregate_id)
        try:
            self._take(application, event, at)
        except payloads.Malformed as error:
            self.findings.append(
                Finding("readable", f"payload not readable: {error}", at, event_id, aggregate_id)
            )

    def _take(self, application: Application, event: Heading, at: Coordinates) -> None:
        kind, version, payload = event.event_type, event.aggregate_version, event.payload
        in_scoring = event.source != "applications"
        # tuple.__new__: a NamedTuple without its Python-level __new__, once an event.
        step = _new(Step, (version, kind, at, event.event_id))
        (application.scoring if in_scoring else application.own).append(step)
        if kind == "ApplicationReviewed":
            review = payloads.REVIEW.decode(payload)
            decision = review.decision
            self.reviews[event.event_id] = (
                application.id,
                decision,
                version,
                review.lead_decision,
            )
            if application.later:  # a second review, after an objection
                self._note(application, event, at, in_scoring, payloads.Later(decision=decision))
        elif kind == SCORED:
            score = payloads.read_score(payload)
            application.scores.append(
                _new(Scored, (in_scoring, version, at, event.event_id, event.causation_id, score))
            )
        elif kind in DECISIONS:
            figures = payloads.ALLOCATED.decode(payload)
            application.decisions.append((in_scoring, version, Decision.of(event, at, figures)))
        elif kind in (SUBMITTED, AMENDED):
            filing = payloads.FILING.decode(payload)
            filing.filed_at = micros(event.occurred_at)
            application.filings.append((version, filing))
            if kind == SUBMITTED and application.submitted is None:
                application.submitted = filing
                application.submitted_at = micros(event.occurred_at)
        elif kind == "ApplicationWithdrawn":
            moment = micros(event.occurred_at)
            if application.withdrawn_at is None or moment < application.withdrawn_at:
                application.withdrawn_at = moment
        elif kind in publicity_facts.KINDS:
            self._note(application, event, at, in_scoring, payloads.LATER.decode(payload))

    def _note(
        self,
        application: Application,
        event: Heading,
        at: Coordinates,
        in_scoring: bool,
        figures: payloads.Later,
    ) -> None:
        """An event of the application's publicity (rare: kept whole enough to check)."""
        noted = (
            in_scoring,
            event.aggregate_version,
            event.event_type,
            at,
            event.event_id,
            micros(event.occurred_at),
            event.causation_id,
            figures,
        )
        if application.later is None:
            application.later = []
        application.later.append(_new(Noted, noted))

    def finish(self) -> ShardResult:
        """Every check one shard can make alone, and its facts for `merge`."""
        findings: list[Finding] = []
        facts = []
        for application in self.applications.values():
            application.settle_order()
            findings += check_application(application, self.reviews)
            findings += reproduce_scores(application, self.reviews)
            intake = self._intake(application)
            if application.later:
                later, found = publicity_of(application.id, application.round_id, application.later)
                findings += found
                facts.append(application.facts(later, intake))
            else:
                facts.append(application.facts(None, intake))
        for finding in self.findings:
            known = self.applications.get(finding.application_id or "")
            if finding.round_id is None and known is not None:
                finding = replace(finding, round_id=known.round_id)
            findings.append(finding)
        for stream in self.rounds.values():
            stream.sort(key=lambda e: e.aggregate_version)
        revocations = []
        for application_id, stream in self.awards.items():
            stream.sort(key=lambda e: e.aggregate_version)
            award = self._award(application_id)
            findings += check_payments(award, stream)
            findings += replay_ledger(award, stream)
            revocations += [
                Revocation(e.event_id, e.at, e.payload)
                for e in stream
                if e.event_type == "AwardRevoked"
            ]
        return ShardResult(self.events_read, findings, facts, self.rounds, revocations)

    def _award(self, application_id: str) -> Award:
        """What an award's payments are held to, from its application's streams (after
        `settle_order`): its latest filing and its final award."""
        application = self.applications.get(application_id)
        if application is None or application.submitted is None:
            return Award(application_id, None, None, None, None, None)
        filing = application.filings[-1][1]
        claim = filing.claim if isinstance(filing.claim, dict) else {}
        final = next(
            (
                Final(n.event_id, n.at, n.occurred_at, n.payload.amount_yuan, n.causation_id)
                for n in application.later or ()
                if n.event_type == FINAL
            ),
            None,
        )
        return Award(
            application_id,
            application.round_id,
            filing.enterprise.credit_code,
            claim.get("category"),
            application.submitted.policy_version,
            final,
        )

    def _intake(self, application: Application) -> IntakeFacts | None:
        """What the intake rules check of its last score, priced from the filing its
        eligible review found."""
        if not application.scores:
            return None
        last = application.scores[-1]
        review = self.reviews.get(last.causation_id or "")
        filing = application.filing_before(review[2]) if review else None
        if review is None or filing is None or application.submitted is None:
            return None
        return intake_facts(
            application.id,
            application.round_id,
            filing.claim,
            application.submitted.policy_version,
            filing.enterprise.credit_code,
            application.submitted_at or 0,
            (last.at, last.event_id),
            review[3],
            (filing.enterprise.industry_code, filing.filed_at),
        )

    def ids(self) -> array[int]:
        """The hash of every event id this shard read, for `ids_in_several`: eight bytes an
        id to send, not a string object. Equal within a run of forked processes, which
        share the interpreter's hash seed."""
        return array("q", map(hash, self.chains.seen))

    def events_named(self, hashes: set[int]) -> list[Occurrence]:
        """Where this shard read ids of those hashes (rarely any), for `merge`."""
        if not hashes:
            return []
        ids = {event_id for event_id in self.chains.seen if hash(event_id) in hashes}
        found = [
            Occurrence(e.at, e.event_id, e.hash, "round", e.aggregate_id)
            for events in self.rounds.values()
            for e in events
            if e.event_id in ids
        ]
        for application in self.applications.values():
            for step in (*application.own, *application.scoring):
                if step.event_id in ids:
                    event_hash = self.chains.seen[step.event_id]
                    found.append(
                        Occurrence(
                            step.at, step.event_id, event_hash, "application", application.id
                        )
                    )
        return found

    def look_up(self, wanted: Lookups) -> Answers:
        """What this shard read of the streams and filings a published list names (after
        `finish`): the parent puts every shard's answers together."""
        answers = Answers()
        answers.submissions = self._submissions_by(wanted.barred)
        for key in wanted.heads:
            source, aggregate_id, version = key
            found = self._event_at(source, aggregate_id, version)
            if found is not None:
                answers.heads[key] = found
        for application_id in wanted.filings:
            application = self.applications.get(application_id)
            if application is not None and application.filings:
                filing = application.filings[-1][1]
                answers.filings[application_id] = Listing(
                    filing.enterprise.name,
                    filing.enterprise.credit_code,
                    self._as_decided(application, filing.claim),
                )
        return answers

    def _submissions_by(self, credit_codes: set[str]) -> list[Submission]:
        if not credit_codes:
            return []
        found = []
        for application in self.applications.values():
            filing = application.submitted
            if filing is None or filing.enterprise.credit_code not in credit_codes:
                continue
            step = next(s for s in application.own if s.event_type == SUBMITTED)
            found.append(
                Submission(
                    application.id,
                    application.round_id,
                    filing.enterprise.credit_code,
                    application.submitted_at or 0,
                    step.at,
                    step.event_id,
                )
            )
        return found

    def _as_decided(self, application: Application, claim: Any) -> Any:
        """The claim as its last score priced it: a second lead the reviewer decided to
        pay as a participant is listed as one."""
        last = application.scores[-1] if application.scores else None
        review = self.reviews.get(last.causation_id or "") if last else None
        if isinstance(claim, dict) and review is not None and review[3] == "participant":
            return {**claim, "role": "participant"}
        return claim

    def _event_at(self, source: str, aggregate_id: str, version: int) -> Found | None:
        for event in self.rounds.get(aggregate_id, ()):
            if event.source == source and event.aggregate_version == version:
                return Found(event.hash, event.at, event.event_id)
        application = self.applications.get(aggregate_id)
        if application is None:
            return None
        steps = application.own if source == "applications" else application.scoring
        for step in steps:
            if step.version == version:
                return Found(self.chains.seen[step.event_id], step.at, step.event_id)
        return None

    def verify(
        self,
        round_id: str | None = None,
        kept: KeptList | None = None,
        register: RegisterAsOf | None = None,
    ) -> Verdict:
        """Every check, when this verifier has read every partition."""
        result = self.finish()
        answers = self.look_up(lookups_of([result.round_streams], kept, result.revocations))
        return merge([result], round_id=round_id, answers=answers, kept=kept, register=register)


def merge(
    results: list[ShardResult],
    shared_ids: Sequence[Occurrence] = (),
    round_id: str | None = None,
    reproduce: RoundsReproduction = reproduce_rounds,
    answers: Answers | None = None,
    kept: KeptList | None = None,
    register: RegisterAsOf | None = None,
) -> Verdict:
    """The shards' findings and the checks across them, in log order.

    `shared_ids`: where the ids more than one shard read were read (see `ids_in_several`).
    `reproduce`: how the rounds' allocations are run again (they are the costliest part).
    `answers`: what the shards found of the streams and filings the lists name (see
    `lookups_of`); `kept`: a published list someone kept, to hold the log to; `register`:
    the register topic as read (none: a history without a register)."""
    answers = answers or Answers()
    register = register or RegisterAsOf()
    facts = {a.id: a for result in results for a in result.applications}
    streams: dict[str, list[LoggedEvent]] = {}
    for result in results:
        for key, events in result.round_streams.items():
            streams.setdefault(key, []).extend(events)
    rounds = rounds_of(streams, facts.values())
    reproduced = reproduce(rounds, facts, register)
    closings = {
        event.event_id: frozenset(event.payload.get("application_ids", ()))
        for events in streams.values()
        for event in events
        if event.event_type == "RoundClosed"
    }
    # A round allocated again answers to the second review that excluded an application:
    # its decisions may name that review as their cause, for the same applications.
    for round_ in rounds.values():
        listed = (
            frozenset(round_.closed.payload.get("application_ids", ()))
            if round_.closed
            else frozenset()
        )
        for event in round_.reallocations:
            if event.causation_id is not None:
                closings[event.causation_id] = listed
    findings = [f for result in results for f in result.findings] + register.findings
    findings += _reused_ids(shared_ids, facts)
    findings += check_causes(facts.values(), closings)
    findings += check_limits(rounds, facts)
    findings += check_intake(rounds, (a.intake for a in facts.values() if a.intake), register)
    findings += check_publicity(rounds, answers)
    findings += check_bar(
        (r for result in results for r in result.revocations), answers.submissions
    )
    if kept is not None:
        lists = {(r.id, e.payload.get("revision")): e for r in rounds.values() for e in r.lists}
        findings += check_kept(kept, lists, answers.heads)
    findings += reproduced()
    if round_id is not None:
        findings = [f for f in findings if f.round_id == round_id]
    findings.sort(key=_log_order)
    return Verdict(
        findings,
        events_read=sum(r.events_read for r in results),
        applications=len(facts),
        rounds=len(rounds),
    )


def ids_in_several(shards: Sequence[Iterable[int]]) -> set[int]:
    """Hashes of event ids read by more than one shard: the one chain check a shard cannot
    make alone (an id reused with other content in another partition). A hash shared by
    two different ids costs only a look: `_reused_ids` compares the ids themselves."""
    if not shards:
        return set()
    seen = set(shards[0])
    several: set[int] = set()
    for index, hashes in enumerate(shards[1:], 2):
        several |= seen.intersection(hashes)
        if index < len(shards):
            seen.update(hashes)
    return several


def _reused_ids(events: Sequence[Occurrence], facts: dict[str, ApplicationFacts]) -> list[Finding]:
    """As a single reader would see them in log order: each occurrence of an id after the
    first is a break when its content differs from the one before it."""
    findings = []
    by_id: dict[str, list[Occurrence]] = {}
    for event in sorted(events, key=lambda e: e.at):
        by_id.setdefault(event.event_id, []).append(event)
    for occurrences in by_id.values():
        for before, event in pairwise(occurrences):
            if event.hash != before.hash:
                findings.append(
                    Finding(
                        CHAIN,
                        "an event id seen before, with other content",
                        event.at,
                        event.event_id,
                        _application_of(event),
                        _round_of(event, facts),
                    )
                )
    return findings


def _log_order(finding: Finding) -> tuple[Coordinates, str, str, str, str]:
    return (
        finding.at or _NOWHERE,
        finding.check,
        finding.message,
        finding.event_id or "",
        finding.application_id or "",
    )


def _application_of(event: Occurrence) -> str | None:
    return event.aggregate_id if event.aggregate_type == "application" else None


def _round_of(event: Occurrence, facts: dict[str, ApplicationFacts]) -> str | None:
    if event.aggregate_type == "round":
        return event.aggregate_id
    application = facts.get(event.aggregate_id)
    return application.round_id if application else None
