"""The history indexed the way an auditor asks about it: by application and by round."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .records import NOT_APPLICATIONS, Coordinates, LoggedEvent, Unreadable, parse

DECISIONS = ("ApplicationAwarded", "ApplicationNotAwarded")
# At one moment, the application's own event first, then the scoring's, then the money's.
_SOURCES = {"applications": 0, "payments": 2}


@dataclass
class ApplicationEvents:
    id: str
    own: list[LoggedEvent] = field(default_factory=list)  # the applications service's
    scoring: list[LoggedEvent] = field(default_factory=list)
    # The payments service's stream of the final award: its payments, revocation, repayments.
    payments: list[LoggedEvent] = field(default_factory=list)
    submitted: LoggedEvent | None = None

    @property
    def round_id(self) -> str | None:
        return str(self.submitted.payload["round_id"]) if self.submitted else None

    def of_type(self, *types: str) -> list[LoggedEvent]:
        return [e for e in (*self.own, *self.scoring) if e.event_type in types]

    def in_time_order(self) -> list[LoggedEvent]:
        return sorted(
            (*self.own, *self.scoring, *self.payments),
            key=lambda e: (e.occurred_at, _SOURCES.get(e.source, 1), e.aggregate_version),
        )

    def filing_before(self, event: LoggedEvent) -> dict[str, Any] | None:
        """The submission or amendment in force when `event` (of this stream) happened."""
        filed = [
            e
            for e in self.own
            if e.event_type in ("ApplicationSubmitted", "ApplicationAmended")
            and e.aggregate_version < event.aggregate_version
        ]
        return filed[-1].payload if filed else None


@dataclass
class History:
    applications: dict[str, ApplicationEvents] = field(default_factory=dict)
    rounds: dict[str, list[LoggedEvent]] = field(default_factory=lambda: defaultdict(list))
    by_id: dict[str, LoggedEvent] = field(default_factory=dict)
    in_round: dict[str, list[ApplicationEvents]] = field(default_factory=lambda: defaultdict(list))
    # Streams that are no application's, by aggregate id: a proposal's, an official
    # list's, a register load's. What an application was proposed from.
    others: dict[str, list[LoggedEvent]] = field(default_factory=lambda: defaultdict(list))

    def observe(self, raw: bytes, at: Coordinates) -> None:
        """Take one record as read; what is not an event is verify's to report."""
        try:
            event = parse(raw, at)
        except Unreadable:
            return
        republished = self.by_id.get(event.event_id)
        if republished is None or republished.hash != event.hash:
            self.add(event)

    def add(self, event: LoggedEvent) -> None:
        self.by_id[event.event_id] = event
        if event.aggregate_type == "round":
            self.rounds[event.aggregate_id].append(event)
            return
        if event.aggregate_type in NOT_APPLICATIONS:
            self.others[event.aggregate_id].append(event)
            return
        trail = self.applications.setdefault(
            event.aggregate_id, ApplicationEvents(event.aggregate_id)
        )
        streams = {"applications": trail.own, "payments": trail.payments}
        streams.get(event.source, trail.scoring).append(event)
        if event.event_type == "ApplicationSubmitted" and trail.submitted is None:
            trail.submitted = event
            self.in_round[str(event.payload["round_id"])].append(trail)

    def settle_order(self) -> None:
        """Within a stream the log order is the version order; make it so after a replay
        that read partitions in any interleaving."""
        for trail in self.applications.values():
            trail.own.sort(key=lambda e: e.aggregate_version)
            trail.scoring.sort(key=lambda e: e.aggregate_version)
            trail.payments.sort(key=lambda e: e.aggregate_version)
        for stream in (*self.rounds.values(), *self.others.values()):
            stream.sort(key=lambda e: e.aggregate_version)

    def proposed_from(self, trail: ApplicationEvents) -> list[LoggedEvent]:
        """What an application filed from a proposal came from: the official list's
        receipt, the match (or a person's resolution) of its unit, and the proposal's
        own events. Empty for an application filed of the enterprise's own accord."""
        proposal_id = trail.submitted.payload.get("proposal_id") if trail.submitted else None
        if not proposal_id:
            return []
        proposal = self.others.get(str(proposal_id), [])
        proposed = next((e for e in proposal if e.event_type == "ApplicationProposed"), None)
        if proposed is None:
            return proposal
        source = proposed.payload["source"]
        return [*_unit_of(self.others.get(source["list_id"], []), source), *proposal]

    def applications_in(self, round_id: str) -> list[ApplicationEvents]:
        return self.in_round.get(round_id, [])


def _unit_of(official_list: list[LoggedEvent], source: dict[str, Any]) -> list[LoggedEvent]:
    """Of a list's stream, its receipt and the events that decided the unit's enterprise:
    the batch of matches holding it, and a person's resolution of it, if any."""
    entry, unit = source["entry"], source["unit"]

    def about_unit(event: LoggedEvent) -> bool:
        if event.event_type == "OfficialListReceived":
            return True
        if event.event_type == "OfficialListMatched":
            matches = event.payload.get("matches", [])
            return any(m["entry"] == entry and m["unit"] == unit for m in matches)
        if event.event_type == "OfficialListUnitResolved":
            return bool(event.payload["entry"] == entry and event.payload["unit"] == unit)
        return False

    return [event for event in official_list if about_unit(event)]
