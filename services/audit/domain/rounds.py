"""A round as its allocation is checked: its closing and the applications filed in it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from shared.rules.allocation import ScoredClaim

from .facts import ApplicationFacts, Decision
from .records import LoggedEvent

_new = tuple.__new__  # a NamedTuple from a tuple, without its Python-level __new__


@dataclass
class Round:
    id: str
    events: list[LoggedEvent]  # the round's own stream, in version order
    applications: list[ApplicationFacts] = field(default_factory=list)  # filed in it
    _in_play: list[ScoredClaim] | None = None

    @cached_property
    def closed(self) -> LoggedEvent | None:
        return self.event("RoundClosed")

    def event(self, event_type: str) -> LoggedEvent | None:
        return next((e for e in self.events if e.event_type == event_type), None)

    def of_type(self, *event_types: str) -> list[LoggedEvent]:
        return [e for e in self.events if e.event_type in event_types]

    @cached_property
    def allocations(self) -> list[LoggedEvent]:
        """The scoring service's summaries of each allocation (RoundAllocated), in their
        stream's order; none in a history older than them."""
        return sorted(self.of_type("RoundAllocated"), key=lambda e: (e.source, e.aggregate_version))

    @cached_property
    def reallocations(self) -> list[LoggedEvent]:
        """The allocations after the first: each after second reviews (upheld objections)
        found applications ineligible."""
        return [e for e in self.allocations if allocation_of(e) != 1]

    @cached_property
    def lists(self) -> list[LoggedEvent]:
        """Each publication of the round's list, in its stream's order."""
        return self.of_type("PublicityOpened", "PublishedListRevised")

    @cached_property
    def excluded(self) -> frozenset[str]:
        """Applications the round was allocated again without."""
        return frozenset(a for e in self.reallocations for a in excluded_by(e))

    @cached_property
    def decisions(self) -> dict[str, Decision]:
        """Each application's standing award or refusal (none for one excluded later)."""
        return {
            a.id: a.decisions[-1]
            for a in self.applications
            if a.decisions and a.id not in self.excluded
        }

    @cached_property
    def allocated_at(self) -> int | None:
        """When (in microseconds) the round's first allocation decision was made; None if
        not yet."""
        return min(
            (t for a in self.applications if (t := a.first_decided_at) is not None), default=None
        )

    def in_play(self, facts: Mapping[str, ApplicationFacts]) -> list[ScoredClaim]:
        """The scored claims in play when the round was allocated: those its closing
        listed, scored, and not withdrawn before the allocation."""
        if self._in_play is None:
            self._in_play = self._find_in_play(facts)
        return self._in_play

    def _find_in_play(
        self, facts: Mapping[str, ApplicationFacts], excluded: Set[str] | None = None
    ) -> list[ScoredClaim]:
        closed, allocated = self.closed, self.allocated_at
        if closed is None or allocated is None:
            return []
        excluded = self.excluded if excluded is None else excluded
        claims = []
        for application_id in closed.payload["application_ids"]:
            known = facts.get(application_id)
            if known is None or known.claim is None:
                continue
            if known.withdrawn_at is not None and known.withdrawn_at < allocated:
                continue
            if application_id in excluded:
                continue
            claims.append(_new(ScoredClaim, known.claim))
        return claims

    def in_play_without(
        self, facts: Mapping[str, ApplicationFacts], excluded: Set[str]
    ) -> list[ScoredClaim]:
        """The claims in play in an allocation that left out `excluded`."""
        if excluded == self.excluded:
            return self.in_play(facts)
        return self._find_in_play(facts, excluded)


def allocation_of(event: LoggedEvent) -> Any:
    """The allocation number a summary, list or decision names (1 when it names none)."""
    return event.payload.get("allocation", 1)


def excluded_by(event: LoggedEvent) -> list[Any]:
    excluded = event.payload.get("excluded", ())
    return list(excluded) if isinstance(excluded, list) else []


def rounds_of(
    streams: Mapping[str, list[LoggedEvent]], applications: Iterable[ApplicationFacts]
) -> dict[str, Round]:
    """Every round that has events of its own, with the applications filed in it (in any
    order: nothing checked depends on it, and findings are put in log order at the end)."""
    rounds = {
        round_id: Round(round_id, sorted(events, key=lambda e: e.aggregate_version))
        for round_id, events in sorted(streams.items())
    }
    for application in applications:
        if application.round_id in rounds:
            rounds[application.round_id].applications.append(application)
    return rounds
