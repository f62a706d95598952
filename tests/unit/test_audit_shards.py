"""verify in shards of partitions gives what one reader of every partition gives: the same
findings, at the same coordinates, whichever shard read the tampered event."""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from itertools import count

import orjson
import pytest

from bench.history import history
from services.audit.domain.records import Coordinates
from services.audit.domain.verdict import Verdict, Verifier, ids_in_several, merge
from services.audit.round_workers import rounds_in_processes
from services.audit.shards import from_wire, shard, to_wire
from shared.envelope import canonical_json

PARTITIONS = 4
TOPICS = {"applications": "t.applications.events", "scoring": "t.scoring.events"}
Log = list[tuple[Coordinates, bytes]]


@pytest.fixture(scope="module")
def log() -> Log:
    """Two rounds of twelve applications, partitioned by key as a producer would."""
    offsets: dict[tuple[str, int], count[int]] = defaultdict(count)
    records = []
    for suffix, key, value in history(90, per_round=12):
        topic, partition = TOPICS[suffix], zlib.crc32(key) % PARTITIONS
        records.append((Coordinates(topic, partition, next(offsets[topic, partition])), value))
    return records


def verify(log: Log, shards: list[list[int]]) -> Verdict:
    """What `qsfund-audit verify` does with its worker processes, in one process."""
    verifiers = []
    for partitions in shards:
        verifier = Verifier()
        for at, value in log:
            if at.partition in partitions:
                verifier.observe(value, at)
        verifiers.append(verifier)
    # As the workers send them to the parent.
    results = [from_wire(to_wire(v.finish())) for v in verifiers]
    several = ids_in_several([v.ids() for v in verifiers])
    return merge(results, [e for v in verifiers for e in v.events_named(several)])


def one_reader(log: Log) -> Verdict:
    return verify(log, [list(range(PARTITIONS))])


def findings(verdict: Verdict) -> list[dict[str, object]]:
    return [f.as_dict() for f in verdict.findings]


def test_a_clean_history_verifies_in_shards_as_in_one_reader(log: Log) -> None:
    whole = one_reader(log)
    assert (whole.findings, whole.events_read, whole.rounds) == ([], len(log), 2)
    for shards in ([[0, 2], [1, 3]], [[0], [1], [2], [3]], [[3], [0, 1, 2]]):
        assert verify(log, shards) == whole


def _edit(log: Log, index: int, change: dict[str, object], reseal: bool) -> Log:
    event = {**orjson.loads(log[index][1]), **change}
    if reseal:
        content = {k: v for k, v in event.items() if k != "hash"}
        event["hash"] = hashlib.sha256(canonical_json(content)).hexdigest()
    return [*log[:index], (log[index][0], canonical_json(event)), *log[index + 1 :]]


def _first(log: Log, event_type: str, partition: int) -> int:
    return next(
        i
        for i, (at, value) in enumerate(log)
        if at.partition == partition and orjson.loads(value)["event_type"] == event_type
    )


def test_an_altered_event_in_a_workers_partition_is_named_with_its_coordinates(log: Log) -> None:
    index = _first(log, "ApplicationReviewed", partition=3)
    review = orjson.loads(log[index][1])
    tampered = _edit(log, index, {"payload": {**review["payload"], "note": "forged"}}, False)
    sharded = verify(tampered, [[0, 2], [1, 3]])
    at = log[index][0]
    assert {
        "check": "hash chain",
        "topic": at.topic,
        "partition": at.partition,
        "offset": at.offset,
        "event_id": review["event_id"],
        "application_id": review["aggregate_id"],
        "round_id": review["payload"]["round_id"],
        "message": "content does not match its hash (altered)",
    } in findings(sharded)
    assert sharded == one_reader(tampered)


def test_an_award_no_allocation_makes_is_caught_across_shards(log: Log) -> None:
    """The award is re-sealed (its chain holds), so only the round's allocation, run again
    in the parent over every shard's claims, can tell."""
    index = _first(log, "ApplicationAwarded", partition=1)
    award = orjson.loads(log[index][1])
    inflated = {**award["payload"], "amount_yuan": award["payload"]["amount_yuan"] + 1}
    tampered = _edit(log, index, {"payload": inflated}, reseal=True)
    sharded = verify(tampered, [[0, 2], [1, 3]])
    named = [f for f in findings(sharded) if f["event_id"] == award["event_id"]]
    assert {f["check"] for f in named} == {"allocation reproduced", "limits"}
    assert {(f["topic"], f["partition"], f["offset"]) for f in named} == {tuple(log[index][0])}
    assert sharded == one_reader(tampered)


def test_an_event_id_reused_in_another_shards_partition_is_caught(log: Log) -> None:
    first = _first(log, "ApplicationSubmitted", partition=0)
    later = _first(log, "ApplicationSubmitted", partition=3)
    reused = orjson.loads(log[first][1])["event_id"]
    tampered = _edit(log, later, {"event_id": reused}, reseal=True)
    sharded = verify(tampered, [[0, 2], [1, 3]])
    assert [
        (f["event_id"], f["partition"], f["offset"])
        for f in findings(sharded)
        if f["message"] == "an event id seen before, with other content"
    ] == [(reused, 3, log[later][0].offset)]


def test_partitions_are_dealt_to_at_most_one_shard_a_worker() -> None:
    twelve = {"a": list(range(12)), "s": list(range(12))}
    assert shard(twelve, 5) == [[0, 5, 10], [1, 6, 11], [2, 7], [3, 8], [4, 9]]
    assert shard(twelve, 1) == [list(range(12))]
    assert shard({"a": [0, 1], "s": [0, 1]}, 8) == [[0], [1]]


def test_topics_partitioned_differently_are_read_by_one_shard() -> None:
    """An application's events could then sit under different numbers on the two."""
    assert shard({"a": list(range(12)), "s": list(range(6))}, 4) == [list(range(12))]


def test_rounds_reproduced_in_forked_processes_find_what_this_one_finds(log: Log) -> None:
    index = _first(log, "ApplicationAwarded", partition=2)
    award = orjson.loads(log[index][1])
    inflated = {**award["payload"], "amount_yuan": award["payload"]["amount_yuan"] + 1}
    verifier = Verifier()
    for at, value in _edit(log, index, {"payload": inflated}, reseal=True):
        verifier.observe(value, at)
    result = verifier.finish()
    forked = merge([result], reproduce=rounds_in_processes(2))
    assert forked == merge([result])
    assert award["event_id"] in {f.event_id for f in forked.findings}
