"""`verify`: every check over the whole history, or the part of it about one round.

The history is read in shards of partitions, each by its own `Verifier`: an
application's events share a partition number on both topics (both are keyed by its
id), so everything about one application is checked where its partition is read, and
only compact facts travel on to `merge`, which runs the checks that span rounds and
partitions. One shard of every partition is the single-process case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from shared.hashchain import ChainChecker

from .causality import check_application, check_causes
from .facts import ApplicationFacts, facts_of
from .findings import Finding
from .history import History
from .limits import check_limits
from .records import Coordinates, LoggedEvent, Unreadable, parse
from .reproduction import reproduce_round, reproduce_scores
from .rounds import rounds_of

CHAIN = "hash chain"
_NOWHERE = Coordinates("", -1, -1)


@dataclass
class ShardResult:
    """What one shard found, and what the checks across shards need from it."""

    events_read: int
    findings: list[Finding]
    applications: list[ApplicationFacts]
    round_streams: dict[str, list[LoggedEvent]]


@dataclass
class Verdict:
    findings: list[Finding]
    events_read: int
    applications: int
    rounds: int


@dataclass
class Verifier:
    history: History = field(default_factory=History)
    chains: ChainChecker = field(default_factory=ChainChecker)
    findings: list[Finding] = field(default_factory=list)
    events_read: int = 0

    def observe(self, raw: bytes, at: Coordinates) -> None:
        """Take one record in its partition's log order."""
        self.events_read += 1
        try:
            event = parse(raw, at)
        except Unreadable as error:
            self.findings.append(Finding("readable", str(error), at))
            return
        for reason in self.chains.check(
            event.event_id,
            event.source,
            event.aggregate_id,
            event.aggregate_version,
            event.previous_hash,
            event.hash,
            event.content_hash,
        ):
            self.findings.append(
                Finding.about(CHAIN, reason, event, application_id=_application_of(event))
            )
        republished = self.history.by_id.get(event.event_id)
        if republished is None or republished.hash != event.hash:
            self.history.add(event)

    def finish(self) -> ShardResult:
        """Every check one shard can make alone, and its facts for `merge`."""
        history = self.history
        history.settle_order()
        findings = self.findings
        facts = []
        for trail in history.applications.values():
            findings += check_application(history, trail)
            findings += reproduce_scores(history, trail)
            facts.append(facts_of(trail))
        located = [self._locate(f) for f in findings]
        return ShardResult(self.events_read, located, facts, dict(history.rounds))

    def ids(self) -> set[str]:
        """Every event id this shard read, for `ids_in_several`."""
        return set(self.chains.seen)

    def events_named(self, ids: set[str]) -> list[LoggedEvent]:
        """The events this shard read under those ids (the first of each), for `merge`."""
        by_id = self.history.by_id
        return [by_id[i] for i in ids if i in by_id]

    def verify(self, round_id: str | None = None) -> Verdict:
        """Every check, when this verifier has read every partition."""
        return merge([self.finish()], round_id=round_id)

    def _locate(self, finding: Finding) -> Finding:
        if finding.round_id is None and finding.application_id in self.history.applications:
            trail = self.history.applications[finding.application_id]
            return replace(finding, round_id=trail.round_id)
        if finding.round_id is None and finding.event_id in self.history.by_id:
            event = self.history.by_id[finding.event_id]
            if event.aggregate_type == "round":
                return replace(finding, round_id=event.aggregate_id)
        return finding


def merge(
    results: list[ShardResult],
    shared_ids: Sequence[LoggedEvent] = (),
    round_id: str | None = None,
) -> Verdict:
    """The shards' findings and the checks across them, in log order.

    `shared_ids`: every event whose id more than one shard read (see `ids_in_several`)."""
    facts = {a.id: a for result in results for a in result.applications}
    streams: dict[str, list[LoggedEvent]] = {}
    for result in results:
        for key, events in result.round_streams.items():
            streams.setdefault(key, []).extend(events)
    rounds = rounds_of(streams, facts.values())
    closings = {
        event.event_id: frozenset(event.payload.get("application_ids", ()))
        for events in streams.values()
        for event in events
        if event.event_type == "RoundClosed"
    }
    findings = [f for result in results for f in result.findings]
    findings += _reused_ids(shared_ids, facts)
    for application in facts.values():
        if application.decisions:
            findings += check_causes(application, closings)
    for round_ in rounds.values():
        findings += reproduce_round(round_, facts)
    findings += check_limits(rounds, facts)
    if round_id is not None:
        findings = [f for f in findings if f.round_id == round_id]
    findings.sort(key=_log_order)
    return Verdict(
        findings,
        events_read=sum(r.events_read for r in results),
        applications=len(facts),
        rounds=len(rounds),
    )


def ids_in_several(shards: list[set[str]]) -> set[str]:
    """Event ids read by more than one shard: the one chain check a shard cannot make
    alone (an id reused with other content in another partition)."""
    seen: set[str] = set()
    several: set[str] = set()
    for ids in shards:
        several |= seen & ids
        seen |= ids
    return several


def _reused_ids(events: Sequence[LoggedEvent], facts: dict[str, ApplicationFacts]) -> list[Finding]:
    """As a single reader would see them in log order: each occurrence of an id after the
    first is a break when its content differs from the one before it."""
    findings = []
    by_id: dict[str, list[LoggedEvent]] = {}
    for event in sorted(events, key=lambda e: e.at):
        by_id.setdefault(event.event_id, []).append(event)
    for occurrences in by_id.values():
        for before, event in pairwise(occurrences):
            if event.hash != before.hash:
                findings.append(
                    Finding.about(
                        CHAIN,
                        "an event id seen before, with other content",
                        event,
                        application_id=_application_of(event),
                        round_id=_round_of(event, facts),
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


def _application_of(event: LoggedEvent) -> str | None:
    return event.aggregate_id if event.aggregate_type == "application" else None


def _round_of(event: LoggedEvent, facts: dict[str, ApplicationFacts]) -> str | None:
    if event.aggregate_type == "round":
        return event.aggregate_id
    application = facts.get(event.aggregate_id)
    return application.round_id if application else None
