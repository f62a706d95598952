"""Every decision causally complete: award ← score ← eligible review ← submission."""

from __future__ import annotations

from collections.abc import Mapping, Set

from .facts import ApplicationFacts
from .findings import Finding
from .history import DECISIONS, ApplicationEvents, History
from .records import LoggedEvent

CHECK = "causality"


def check_application(history: History, trail: ApplicationEvents) -> list[Finding]:
    """What one application's own streams show: its partition holds all of them."""
    found: list[Finding] = []
    first = trail.own[0] if trail.own else None
    if first is None or first.event_type != "ApplicationSubmitted":
        anchor = first or (trail.scoring[0] if trail.scoring else None)
        if anchor is not None:
            found.append(
                _finding(
                    "the application's history does not start with its submission", anchor, trail
                )
            )
    events = (*trail.own, *trail.scoring)
    scores = [e for e in events if e.event_type == "ApplicationScored"]
    for scored in scores:
        review = history.by_id.get(scored.causation_id or "")
        if (
            review is None
            or review.event_type != "ApplicationReviewed"
            or review.aggregate_id != trail.id
            or review.payload.get("decision") != "eligible"
        ):
            found.append(
                _finding("score without the eligible review it names as its cause", scored, trail)
            )
    earliest_score = min((s.aggregate_version for s in scores), default=None)
    for decision in events:
        if decision.event_type in DECISIONS and (
            earliest_score is None or earliest_score >= decision.aggregate_version
        ):
            found.append(
                _finding(f"{decision.event_type} without a score before it", decision, trail)
            )
    return found


def check_causes(application: ApplicationFacts, closings: Mapping[str, Set[str]]) -> list[Finding]:
    """Each award or refusal answers to the closing of a round that lists the application:
    the closing is in the round's partition, so this runs once every partition is read.
    `closings`: the applications each RoundClosed event (by id) lists."""
    return [
        Finding(
            CHECK,
            f"{decision.event_type} does not answer to the "
            "closing of a round that lists the application",
            decision.at,
            decision.event_id,
            application.id,
            application.round_id,
        )
        for decision in application.decisions
        if application.id not in closings.get(decision.causation_id or "", ())
    ]


def _finding(message: str, event: LoggedEvent, trail: ApplicationEvents) -> Finding:
    return Finding.about(CHECK, message, event, application_id=trail.id, round_id=trail.round_id)
