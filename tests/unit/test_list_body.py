"""What an official list's body must be (taken whole or refused whole, every problem of
every entry named), its events, and a person's resolution of a unit."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from services.register.domain.errors import Conflicting, InvalidInput, Problems
from services.register.domain.lists import Resolution, UnitState, received, resolve
from services.register.domain.matching import Registered
from services.register.domain.official_list import MAX_LISTED_PROBLEMS, check_list
from shared.contracts import parse_payload
from shared.contracts.lists import (
    AwardEntry,
    OfficialListEntries,
    OfficialListMatched,
    OfficialListReceived,
    UnitMatch,
)
from shared.envelope import Actor, canonical_json, seal
from shared.kafka import MAX_EVENT_BYTES
from tests.support.credit_codes import credit_codes

A, B = credit_codes(seed=172, count=2)
BAD = A[:17] + ("0" if A[17] != "0" else "1")
TODAY = date(2026, 11, 30)


def award(winner: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "kind": "award",
        "source_document": "渝府[2026]1号",
        "award": "mayor_quality_award",
        "tier": "winner",
        "year": 2026,
        "conferred_on": "2026-03-01",
        "winner": winner,
    } | fields


def pilot(*units: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "pilot_project",
        "source_document": "国标委[2026]2号",
        "level": "municipal",
        "project_name": "养老服务标准化试点",
        "accepted_on": "2026-04-01",
        "units": list(units),
    }


def body(kind: str, *entries: Any, **fields: Any) -> dict[str, Any]:
    return {
        "list_id": "cq-awards-2026",
        "kind": kind,
        "title": "市长质量奖",
        "entries": list(entries),
    } | fields


def problems(raw: Any) -> list[tuple[str, str]]:
    with pytest.raises(Problems) as refused:
        check_list(raw)
    return [(p.field, p.rule) for p in refused.value.problems]


def test_a_good_list_is_taken_with_its_entries_in_order() -> None:
    taken = check_list(
        body("award_winners", award({"name": "甲", "credit_code": A}), award({"name": "乙"}))
    )
    assert (taken.list_id, taken.kind, len(taken.entries)) == ("cq-awards-2026", "award_winners", 2)
    assert taken.entries[0].kind == "award"


def test_every_bad_entry_is_named_by_its_path_and_rule() -> None:
    found = problems(
        body(
            "award_winners",
            award({"name": "甲", "credit_code": BAD}),
            award({"name": "乙"}, tier="runner_up"),
            pilot({"name": "丙"}),
            award({"name": ""}, conferred_on="2026-13-01"),
            {"kind": "medal"},
            "not an entry",
        )
    )
    assert found == [
        ("entries.0.winner.credit_code", "checksum"),
        ("entries.1.tier", "literal_error"),
        ("entries.2.kind", "list_kind"),
        ("entries.3.conferred_on", "date_from_datetime_parsing"),
        ("entries.3.winner.name", "string_too_short"),
        ("entries.4", "union_tag_invalid"),
        ("entries.5", "model_attributes_type"),
    ]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (award({"name": "甲"}, conferred_on=1772323200), "conferred_on"),
        (award({"name": "甲"}, conferred_on="2026-03-01T00:00:00Z"), "conferred_on"),
        (pilot({"name": "丙"}) | {"accepted_on": "1775001600"}, "accepted_on"),
    ],
    ids=["seconds", "moment", "digits"],
)
def test_a_day_that_is_no_calendar_date_is_named_with_its_rule(
    entry: dict[str, Any], field: str
) -> None:
    """Pydantic alone would take each as a day (1 March 2026, 1 April 2026)."""
    kind = "award_winners" if entry["kind"] == "award" else "pilot_projects"
    assert problems(body(kind, entry)) == [(f"entries.0.{field}", "date_iso8601")]


def test_a_taken_entry_is_the_contracts_own() -> None:
    """What the events record is the contract's type, whatever the request's was."""
    [entry] = check_list(body("award_winners", award({"name": "甲"}))).entries
    assert type(entry) is AwardEntry
    assert entry.conferred_on == date(2026, 3, 1)


def test_a_units_code_is_named_by_its_place_among_the_units() -> None:
    found = problems(
        body("pilot_projects", pilot({"name": "甲"}, {"name": "乙", "credit_code": BAD}))
    )
    assert found == [("entries.0.units.1.credit_code", "checksum")]


def test_the_lists_own_fields_are_checked_with_its_entries() -> None:
    found = problems(
        {"list_id": "bad id!", "kind": "medals", "entries": [award({"name": "甲\x00"})], "x": 1}
    )
    assert found == [
        ("entries.0.winner.name", "null_character"),
        ("list_id", "string_pattern_mismatch"),
        ("kind", "literal_error"),
        ("title", "missing"),
        ("x", "extra_forbidden"),
    ]
    assert problems(body("award_winners")) == [("entries", "too_short")]
    assert problems([]) == [("body", "object_required")]


def test_a_list_of_garbage_lists_the_first_thousand_problems_and_counts_the_rest() -> None:
    with pytest.raises(Problems) as refused:
        check_list(body("award_winners", *([{"kind": "medal"}] * (MAX_LISTED_PROBLEMS + 5))))
    assert len(refused.value.problems) == MAX_LISTED_PROBLEMS
    assert refused.value.total == MAX_LISTED_PROBLEMS + 5
    assert f"{MAX_LISTED_PROBLEMS + 5} problem" in refused.value.message


def test_the_events_batch_entries_by_500_and_matches_by_2000_and_read_back() -> None:
    taken = check_list(body("award_winners", *[award({"name": f"企业{n}"}) for n in range(2001)]))
    matches = [
        UnitMatch(entry=n, unit=0, outcome="unmatched", reason="name_not_in_register: x")
        for n in range(1, 2002)
    ]
    events = received(taken, "chongqing-gov-platform", "0" * 64, matches)
    head, *rest = events
    assert isinstance(head, OfficialListReceived)
    assert (head.entries, head.batches) == (2001, 5)
    entries = [e for e in rest if isinstance(e, OfficialListEntries)]
    matched = [e for e in rest if isinstance(e, OfficialListMatched)]
    assert [len(e.entries) for e in entries] == [500, 500, 500, 500, 1]
    assert entries[-1].entries[0].number == 2001
    assert [(m.batch, m.batches, len(m.matches)) for m in matched] == [(1, 2, 2000), (2, 2, 1)]
    # Built without validating: sealed and read back, each is a valid contract.
    for event in events:
        envelope = seal(
            event_type=event.event_type,
            schema_version=event.schema_version,
            source="register",
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id(),
            aggregate_version=1,
            payload=event.model_dump(mode="json"),
            actor=Actor(id="p", role="platform"),
            correlation_id=uuid4(),
            causation_id=None,
            previous_hash="0" * 64,
        )
        assert parse_payload(envelope) == event


def test_batches_stay_under_what_the_topic_takes_however_long_the_names() -> None:
    # 500 standards of 50 units named in 500 characters: 37 MB in one batch of 500.
    units = [{"name": "长" * 500} for _ in range(50)]
    entry = {
        "kind": "standard",
        "source_document": "公告",
        "standard_number": "GB/T 1-2026",
        "title": "标题",
        "level": "national",
        "work": "formulation",
        "published_on": "2026-02-10",
        "drafting_units": units,
    }
    taken = check_list(body("standards", *[entry] * 500))
    matches = [
        UnitMatch(entry=n // 50 + 1, unit=n % 50, outcome="unmatched", reason="x: " + "长" * 1500)
        for n in range(25_000)
    ]
    events = received(taken, "p", "0" * 64, matches)
    sizes = [len(canonical_json(e.model_dump(mode="json"))) for e in events]
    assert max(sizes) < MAX_EVENT_BYTES // 2
    batches = [e for e in events if isinstance(e, OfficialListEntries)]
    assert sum(len(e.entries) for e in batches) == 500
    assert [e.batch for e in batches] == list(range(1, len(batches) + 1))
    matched = [e for e in events if isinstance(e, OfficialListMatched)]
    assert sum(len(e.matches) for e in matched) == 25_000
    assert {e.batches for e in matched} == {len(matched)}


ASKED = Resolution("cq-awards-2026", 2, 0, A, "前言写明")


def enterprise(deregistered_on: date | None = None) -> Registered:
    return Registered(A, "甲", (), date(2015, 1, 1), deregistered_on)


@pytest.mark.parametrize("outcome", ["ambiguous", "unmatched"])
def test_a_person_resolves_an_open_unit_to_an_enterprise_or_none(outcome: str) -> None:
    event = resolve(UnitState(outcome), ASKED, enterprise(), "reviewer-wang", TODAY)
    assert event is not None
    assert (event.entry, event.unit, event.credit_code, event.note) == (2, 0, A, "前言写明")
    assert event.resolved_by == "reviewer-wang"
    none = Resolution("cq-awards-2026", 2, 0, None, "非本区")
    nobody = resolve(UnitState(outcome), none, None, "r", TODAY)
    assert nobody is not None
    assert nobody.credit_code is None


@pytest.mark.parametrize(
    ("state", "rule"),
    [
        (UnitState("matched"), "matched_by_rule"),
        (UnitState("ambiguous", (A, "前言写明", "reviewer-li")), "already_resolved"),
        (UnitState("ambiguous", (B, "前言写明", "r")), "already_resolved"),
    ],
)
def test_a_unit_decided_before_is_not_decided_again(state: UnitState, rule: str) -> None:
    with pytest.raises(Conflicting) as refused:
        resolve(state, ASKED, enterprise(), "r", TODAY)
    assert refused.value.rule == rule


@pytest.mark.parametrize(
    ("code", "record", "rule"),
    [
        (BAD, None, "checksum"),
        (B, None, "in_register"),
        (A, enterprise(deregistered_on=TODAY), "not_deregistered"),
    ],
)
def test_a_unit_is_resolved_only_to_an_enterprise_of_the_register_still_registered(
    code: str, record: Registered | None, rule: str
) -> None:
    asked = Resolution("cq-awards-2026", 2, 0, code, "x")
    with pytest.raises(InvalidInput) as refused:
        resolve(UnitState("ambiguous"), asked, record, "r", TODAY)
    assert (refused.value.field, refused.value.rule) == ("credit_code", rule)
    later = enterprise(deregistered_on=date(2026, 12, 1))
    event = resolve(UnitState("ambiguous"), ASKED, later, "r", TODAY)
    assert event is not None
    assert event.credit_code == A


def test_the_same_decision_again_by_the_same_person_is_a_retry_not_a_conflict() -> None:
    decided = UnitState("ambiguous", (A, "前言写明", "r"))
    assert resolve(decided, ASKED, enterprise(), "r", TODAY) is None
