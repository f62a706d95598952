"""Every decision causally complete: award ← score ← eligible review ← submission."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from .application import SUBMITTED, Application
from .facts import ApplicationFacts
from .findings import Finding
from .records import Coordinates

CHECK = "causality"


# review id: application, decision, version, lead decision
Reviews = Mapping[str, tuple[str, object, int, object]]


def check_application(application: Application, reviews: Reviews) -> list[Finding]:
    """What one application's own streams show: its partition holds all of them."""
    found: list[Finding] = []
    first = application.own[0] if application.own else None
    if first is None or first.event_type != SUBMITTED:
        anchor = first or (application.scoring[0] if application.scoring else None)
        if anchor is not None:
            found.append(
                _finding(
                    "the application's history does not start with its submission",
                    anchor.at,
                    anchor.event_id,
                    application,
                )
            )
    for scored in application.scores:
        review = reviews.get(scored.causation_id or "")
        if review is None or review[0] != application.id or review[1] != "eligible":
            found.append(
                _finding(
                    "score without the eligible review it names as its cause",
                    scored.at,
                    scored.event_id,
                    application,
                )
            )
    earliest_score = min((s.version for s in application.scores), default=None)
    for _, version, decision in application.decisions:
        if earliest_score is None or earliest_score >= version:
            found.append(
                _finding(
                    f"{decision.event_type} without a score before it",
                    decision.at,
                    decision.event_id,
                    application,
                )
            )
    return found


def check_causes(
    applications: Iterable[ApplicationFacts], closings: Mapping[str, Set[str]]
) -> list[Finding]:
    """Each award or refusal answers to the closing of a round that lists the application:
    the closing is in the round's partition, so this runs once every partition is read.
    `closings`: the applications each RoundClosed event (by id) lists."""
    found = []
    for application in applications:
        for decision in application.decisions:
            if application.id not in closings.get(decision.causation_id or "", ()):
                found.append(
                    Finding(
                        CHECK,
                        f"{decision.event_type} does not answer to the "
                        "closing of a round that lists the application",
                        decision.at,
                        decision.event_id,
                        application.id,
                        application.round_id,
                    )
                )
    return found


def _finding(message: str, at: Coordinates, event_id: str, application: Application) -> Finding:
    return Finding(CHECK, message, at, event_id, application.id, application.round_id)
