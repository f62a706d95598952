"""The auditor holds what was scored to the program's intake rules: a title conferred
inside the period, one lead drafter per standard unless the reviewer decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from services.audit.domain.intake import IntakeFacts, check_intake, intake_facts
from services.audit.domain.records import Coordinates
from services.audit.domain.register import RegisterAsOf
from tests.support.audit_log import EVERY, history_log, named, resealed, verify
from tests.support.publicity_history import publicity_history

AT = Coordinates("qsfund.scoring.events", 0, 7)
LEAD = {
    "category": "standard",
    "level": "national",
    "standard_number": "GB/T 28733.1-2026",
    "title": "Cold chain",
    "work": "formulation",
    "role": "lead",
    "published_on": "2026-02-10",
}
TITLE = {
    "category": "quality_brand",
    "award": "mayor_quality_award",
    "tier": "winner",
    "year": 2026,
    "conferred_on": "2026-03-15",
}


@dataclass
class Opened:
    payload: dict[str, Any] = field(
        default_factory=lambda: {"period_start": "2025-07-01", "period_end": "2026-06-30"}
    )


class OneRound:
    def event(self, event_type: str) -> Opened | None:
        return Opened() if event_type == "RoundOpened" else None


ROUNDS: Any = {"r1": OneRound()}


def facts(
    name: str, claim: dict[str, Any], code: str, at: int, decision: str | None = None
) -> IntakeFacts:
    made = intake_facts(name, "r1", claim, "2026.2", code, at, (AT, f"score-{name}"), decision)
    assert made is not None
    return made


def findings(*scored: IntakeFacts) -> set[tuple[str | None, str]]:
    return {(f.application_id, f.check) for f in check_intake(ROUNDS, scored, RegisterAsOf())}


def test_other_claims_are_not_kept() -> None:
    pilot = {"category": "pilot_project", "level": "national", "project_name": "P"}
    participant = {**LEAD, "role": "participant"}
    for claim in (pilot, participant):
        assert intake_facts("a", "r1", claim, "2026.2", "C1", 1, (AT, "e"), None) is None


def test_a_title_conferred_on_the_periods_edges_passes_and_a_day_outside_does_not() -> None:
    assert findings(
        facts("first", {**TITLE, "conferred_on": "2025-07-01"}, "C1", 1),
        facts("last", {**TITLE, "conferred_on": "2026-06-30"}, "C2", 2),
        facts("before", {**TITLE, "conferred_on": "2025-06-30"}, "C3", 3),
        facts("after", {**TITLE, "conferred_on": "2026-07-01"}, "C4", 4),
        facts("older filing", {k: v for k, v in TITLE.items() if k != "conferred_on"}, "C5", 5),
    ) == {("before", "intake"), ("after", "intake")}


def test_a_second_enterprise_paid_as_lead_needs_the_reviewers_confirmation() -> None:
    part_2 = {**LEAD, "standard_number": "GB/T 28733.2-2026"}  # the same series
    assert findings(
        facts("first", LEAD, "C1", 1),
        facts("same enterprise again", part_2, "C1", 2),
        facts("second, on its word", part_2, "C2", 3),
        facts("third, confirmed", LEAD, "C3", 4, "confirmed_lead"),
        facts("fourth, a participant", LEAD, "C4", 5, "participant"),
    ) == {("second, on its word", "intake")}


def test_another_standard_is_not_a_rival() -> None:
    other = {**LEAD, "standard_number": "GB/T 28734-2026"}
    assert findings(facts("first", LEAD, "C1", 1), facts("other", other, "C2", 2)) == set()


def test_a_history_where_a_second_lead_was_paid_on_its_word_names_its_score() -> None:
    """B's filing changed to claim the standard A leads, and sealed again: B's score is
    named by the intake check (and, being priced from another filing, by the score's)."""
    made = publicity_history()
    log = history_log(made)
    events = [(i, orjson.loads(v)) for i, (_, v) in enumerate(log)]
    a_number = next(
        e["payload"]["claim"]["standard_number"]
        for _, e in events
        if e["event_type"] == "ApplicationSubmitted" and e["aggregate_id"] == made.ids["A"]
    )
    index, b_filed = next(
        (i, e)
        for i, e in events
        if e["event_type"] == "ApplicationSubmitted" and e["aggregate_id"] == made.ids["B"]
    )
    claim = {**b_filed["payload"]["claim"], "standard_number": a_number}
    tampered = resealed(log, index, {**b_filed, "payload": {**b_filed["payload"], "claim": claim}})
    b_score = next(
        e["event_id"]
        for _, e in events
        if e["event_type"] == "ApplicationScored" and e["aggregate_id"] == made.ids["B"]
    )
    assert (b_score, "intake") in named(verify(tampered, EVERY))
    assert not [f for f in verify(log, EVERY).findings if f.check == "intake"]
