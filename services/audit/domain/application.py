"""What `verify` keeps of one application while its partition is read: the payload fields
the checks read again (of filings and scores), and small tuples for everything else.

Not the whole History the trail views use: keeping every decoded event alive costs the
replay more than decoding it (the allocator can no longer reuse its memory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .facts import ApplicationFacts, Decision
from .intake import IntakeFacts
from .payloads import Filing, Score
from .publicity_facts import Noted, Publicity

SUBMITTED, AMENDED, SCORED = "ApplicationSubmitted", "ApplicationAmended", "ApplicationScored"


class Step(NamedTuple):
    """An event of the application's streams, where it is and what it was."""

    version: int
    event_type: str
    at: Any  # Coordinates
    event_id: str


class Scored(NamedTuple):
    in_scoring: bool  # from the scoring service's stream (the application's own otherwise)
    version: int
    at: Any
    event_id: str
    causation_id: str | None
    payload: Score


@dataclass(slots=True)
class Application:
    id: str
    own: list[Step] = field(default_factory=list)  # the applications service's stream
    scoring: list[Step] = field(default_factory=list)
    submitted: Filing | None = None  # the first submission read
    filings: list[tuple[int, Filing]] = field(default_factory=list)  # and amendments
    scores: list[Scored] = field(default_factory=list)
    decisions: list[tuple[bool, int, Decision]] = field(default_factory=list)
    withdrawn_at: int | None = None  # microseconds
    submitted_at: int | None = None  # microseconds, its first submission
    # Its publicity (publicity_facts): None without any, as nearly every application of a
    # long history is, so that it costs them no list.
    later: list[Noted] | None = None

    @property
    def round_id(self) -> str | None:
        return str(self.submitted.round_id) if self.submitted is not None else None

    def settle_order(self) -> None:
        """Each stream in version order, whatever order its events were read in."""
        # Nearly always one event of each kind, or already in order: sorting is the rare case.
        if len(self.own) > 1:
            self.own.sort()
        if len(self.scoring) > 1:
            self.scoring.sort()
        if len(self.filings) > 1:
            self.filings.sort(key=lambda f: f[0])
        if len(self.scores) > 1:
            self.scores.sort(key=lambda s: (s.in_scoring, s.version))
        if len(self.decisions) > 1:
            self.decisions.sort(key=lambda d: (d[0], d[1]))
        if self.later is not None and len(self.later) > 1:
            self.later.sort(key=lambda n: (n.in_scoring, n.version))

    def filing_before(self, version: int) -> Filing | None:
        """The submission or amendment in force at `version` of its own stream."""
        filed = [payload for v, payload in self.filings if v < version]
        return filed[-1] if filed else None

    def facts(
        self, publicity: Publicity | None = None, intake: IntakeFacts | None = None
    ) -> ApplicationFacts:
        """What the checks across partitions need (after `settle_order`)."""
        claim = None
        if self.scores:
            score = self.scores[-1].payload
            claim = (
                self.id,
                score.enterprise_credit_code,
                score.achievement_key,
                score.claimed_amount_yuan,
                score.score,
            )
        decisions = tuple(d for _, _, d in self.decisions)
        paid = self.filings and any(d.awarded for d in decisions)
        return ApplicationFacts(
            self.id,
            self.round_id,
            claim,
            self.withdrawn_at,
            decisions,
            min((d.occurred_at for d in decisions), default=None),
            self.filings[-1][1].claim if paid else None,
            publicity,
            intake,
        )
