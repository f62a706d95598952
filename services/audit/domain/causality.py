"""Every decision causally complete: award ← score ← eligible review ← submission."""

from __future__ import annotations

from .findings import Finding
from .history import DECISIONS, ApplicationEvents, History

CHECK = "causality"


def check_causality(history: History) -> list[Finding]:
    findings: list[Finding] = []
    for trail in history.applications.values():
        findings.extend(_check(history, trail))
    return findings


def _check(history: History, trail: ApplicationEvents) -> list[Finding]:
    where = {"application_id": trail.id, "round_id": trail.round_id}
    found: list[Finding] = []
    first = trail.own[0] if trail.own else None
    if first is None or first.event_type != "ApplicationSubmitted":
        anchor = first or (trail.scoring[0] if trail.scoring else None)
        if anchor is not None:
            found.append(
                Finding.about(
                    CHECK,
                    "the application's history does not start with its submission",
                    anchor,
                    **where,
                )
            )
    for scored in trail.of_type("ApplicationScored"):
        review = history.by_id.get(scored.causation_id or "")
        if (
            review is None
            or review.event_type != "ApplicationReviewed"
            or review.aggregate_id != trail.id
            or review.payload.get("decision") != "eligible"
        ):
            found.append(
                Finding.about(
                    CHECK,
                    "score without the eligible review it names as its cause",
                    scored,
                    **where,
                )
            )
    scores = trail.of_type("ApplicationScored")
    for decision in trail.of_type(*DECISIONS):
        if not any(s.aggregate_version < decision.aggregate_version for s in scores):
            found.append(
                Finding.about(
                    CHECK, f"{decision.event_type} without a score before it", decision, **where
                )
            )
        closing = history.by_id.get(decision.causation_id or "")
        if (
            closing is None
            or closing.event_type != "RoundClosed"
            or trail.id not in closing.payload.get("application_ids", [])
        ):
            found.append(
                Finding.about(
                    CHECK,
                    f"{decision.event_type} does not answer to the "
                    "closing of a round that lists the application",
                    decision,
                    **where,
                )
            )
    return found
