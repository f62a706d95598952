"""`verify`: every check over the whole history, or the part of it about one round."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shared.hashchain import ChainChecker

from .causality import check_causality
from .findings import Finding
from .history import History
from .limits import check_limits
from .records import Coordinates, Unreadable, parse
from .reproduction import reproduce_allocations, reproduce_scores


@dataclass
class Verifier:
    history: History = field(default_factory=History)
    chains: ChainChecker = field(default_factory=ChainChecker)
    findings: list[Finding] = field(default_factory=list)
    events_read: int = 0

    def observe(self, raw: bytes, at: Coordinates) -> None:
        """Take one record in log order."""
        self.events_read += 1
        try:
            event = parse(raw, at)
        except Unreadable as error:
            self.findings.append(Finding("readable", str(error), at))
            return
        republished = self.history.by_id.get(event.event_id)
        for chain_break in self.chains.observe(event, event.content_hash):
            self.findings.append(
                Finding.about(
                    "hash chain",
                    chain_break.reason,
                    event,
                    application_id=_application_of(event.aggregate_type, event.aggregate_id),
                )
            )
        if republished is None or republished.hash != event.hash:
            self.history.add(event)

    def finish(self, round_id: str | None = None) -> list[Finding]:
        """Run the checks that need the whole history; every finding, located."""
        self.history.settle_order()
        self.findings += check_causality(self.history)
        self.findings += reproduce_scores(self.history)
        self.findings += reproduce_allocations(self.history)
        self.findings += check_limits(self.history)
        located = [self._locate(f) for f in self.findings]
        if round_id is not None:
            located = [f for f in located if f.round_id == round_id]
        return located

    def _locate(self, finding: Finding) -> Finding:
        if finding.round_id is None and finding.application_id in self.history.applications:
            trail = self.history.applications[finding.application_id]
            return replace(finding, round_id=trail.round_id)
        if finding.round_id is None and finding.event_id in self.history.by_id:
            event = self.history.by_id[finding.event_id]
            if event.aggregate_type == "round":
                return replace(finding, round_id=event.aggregate_id)
        return finding


def _application_of(aggregate_type: str, aggregate_id: str) -> str | None:
    return aggregate_id if aggregate_type == "application" else None
