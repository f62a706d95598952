"""What verify makes of records that are sealed but odd: a payload that is no object, a
time without its zone, figures of the wrong type, keys in another order. Each is named
where it sits, or passes when it is only encoded differently; none stops the replay."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import pytest

from bench.history import history
from services.audit.domain.records import Coordinates
from services.audit.domain.verdict import Verdict, Verifier, merge
from services.audit.shards import from_wire, to_wire
from shared.envelope import canonical_json

Log = list[tuple[Coordinates, bytes]]


@pytest.fixture(scope="module")
def log() -> Log:
    """One round of six applications, all in one partition of each topic."""
    offsets = {"applications": 0, "scoring": 0}
    records = []
    for suffix, _, value in history(40, per_round=6):
        records.append((Coordinates(suffix, 0, offsets[suffix]), value))
        offsets[suffix] += 1
    return records


def verify(log: Log) -> Verdict:
    verifier = Verifier()
    for at, value in log:
        verifier.observe(value, at)
    return merge([from_wire(to_wire(verifier.finish()))])


def resealed(log: Log, event_type: str, change: dict[str, Any]) -> tuple[Log, Coordinates, str]:
    """The first event of the type changed and sealed again, as a forger with the key
    to nothing but the hash function would: its own chain link still fails, but the
    record itself is consistent."""
    index = next(i for i, (_, v) in enumerate(log) if orjson.loads(v)["event_type"] == event_type)
    event = {**orjson.loads(log[index][1]), **change}
    content = {k: v for k, v in event.items() if k != "hash"}
    event["hash"] = hashlib.sha256(canonical_json(content)).hexdigest()
    changed = [*log[:index], (log[index][0], canonical_json(event)), *log[index + 1 :]]
    return changed, log[index][0], event["event_id"]


def test_the_history_verifies_before_any_change(log: Log) -> None:
    assert verify(log).findings == []


def test_a_payload_that_is_not_an_object_is_named_and_the_replay_goes_on(log: Log) -> None:
    changed, at, event_id = resealed(log, "ApplicationAwarded", {"payload": 5})
    verdict = verify(changed)
    unreadable = [f for f in verdict.findings if f.check == "readable"]
    assert [(f.at, f.event_id) for f in unreadable] == [(at, event_id)]
    assert "payload not readable" in unreadable[0].message
    assert verdict.events_read == len(log)


def test_a_time_without_its_zone_makes_a_record_unreadable(log: Log) -> None:
    changed, at, _ = resealed(log, "ApplicationReviewed", {"occurred_at": "2026-03-01T00:00:00"})
    unreadable = [f for f in verify(changed).findings if f.check == "readable"]
    assert [f.at for f in unreadable] == [at]
    assert "occurred_at" in unreadable[0].message


def test_an_amount_that_is_not_a_whole_number_of_yuan_is_named_not_fatal(log: Log) -> None:
    award = next(orjson.loads(v) for _, v in log if b"ApplicationAwarded" in v)
    figures = {**award["payload"], "amount_yuan": str(award["payload"]["amount_yuan"])}
    changed, at, event_id = resealed(log, "ApplicationAwarded", {"payload": figures})
    findings = verify(changed).findings
    unreadable = [f for f in findings if f.check == "readable"]
    assert [(f.at, f.event_id) for f in unreadable] == [(at, event_id)]
    assert "amount_yuan" in unreadable[0].message
    # Without its figures the award is missing from the allocation run again.
    assert any(
        f.check == "allocation reproduced" and f.application_id == award["aggregate_id"]
        for f in findings
    )


def test_an_intact_record_encoded_in_another_key_order_is_not_altered(log: Log) -> None:
    """The hash is of the canonical encoding: a record re-encoded by some other tool (keys
    in reverse order here) is still the event that was sealed."""
    at, value = log[3]
    reordered = dict(reversed(list(orjson.loads(value).items())))
    changed = [*log[:3], (at, orjson.dumps(reordered)), *log[4:]]
    assert verify(changed).findings == []


def test_every_decision_is_held_to_the_rounds_policy_not_only_the_first(log: Log) -> None:
    """An award is the last event of its stream, so one resealed with another policy's
    digest breaks no chain: only comparing each decision's digest with the round's shows."""
    awards = [(i, orjson.loads(v)) for i, (_, v) in enumerate(log) if b'"ApplicationAwarded"' in v]
    first_round = awards[0][1]["payload"]["round_id"]
    # The round's last award, not its first (whose digest is the round's policy check).
    index, award = [(i, a) for i, a in awards if a["payload"]["round_id"] == first_round][-1]
    other = {**award["payload"], "policy_sha256": "0" * 64}
    content = {k: v for k, v in {**award, "payload": other}.items() if k != "hash"}
    forged = {**content, "hash": hashlib.sha256(canonical_json(content)).hexdigest()}
    changed = [*log[:index], (log[index][0], canonical_json(forged)), *log[index + 1 :]]
    named = [f for f in verify(changed).findings if f.event_id == award["event_id"]]
    assert [(f.check, f.at) for f in named if f.check == "policy"] == [("policy", log[index][0])]


def test_a_score_whose_breakdown_is_encoded_in_another_order_still_reproduces(log: Log) -> None:
    """verify compares a breakdown's bytes with the canonical encoding first; bytes that
    differ are compared again as values before anything is reported."""
    index = next(i for i, (_, v) in enumerate(log) if b'"ApplicationScored"' in v)
    score = orjson.loads(log[index][1])
    parts = [dict(reversed(list(part.items()))) for part in score["payload"]["breakdown"]]
    reordered = {**score, "payload": {**score["payload"], "breakdown": parts}}
    assert orjson.dumps(reordered) != canonical_json(reordered)  # the same content, not bytes
    changed = [*log[:index], (log[index][0], orjson.dumps(reordered)), *log[index + 1 :]]
    assert verify(changed).findings == []


def test_a_score_with_another_breakdown_is_named(log: Log) -> None:
    score = next(orjson.loads(v) for _, v in log if b'"ApplicationScored"' in v)
    parts = [{**part, "points": part["points"] + 1} for part in score["payload"]["breakdown"]]
    changed, at, event_id = resealed(
        log, "ApplicationScored", {"payload": {**score["payload"], "breakdown": parts}}
    )
    named = [f for f in verify(changed).findings if f.check == "score reproduced"]
    assert [(f.at, f.event_id) for f in named] == [(at, event_id)]
    assert named[0].message.startswith("breakdown recorded")
