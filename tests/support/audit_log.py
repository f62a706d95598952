"""A history made in memory, laid out as the topics' partitions hold it, verified as
`qsfund-audit verify` verifies (shards, merge) in one process; and changed, one event
at a time, as a tamperer would."""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from itertools import count
from typing import Any

import orjson

from services.audit.domain.kept import KeptList
from services.audit.domain.lookups import lookups_of
from services.audit.domain.records import Coordinates
from services.audit.domain.verdict import Verdict, Verifier, ids_in_several, merge
from services.audit.shards import from_wire, to_wire
from shared.envelope import canonical_json
from tests.support.publicity_history import Made

PARTITIONS = 4
EVERY = [list(range(PARTITIONS))]
Log = list[tuple[Coordinates, bytes]]


def history_log(made: Made) -> Log:
    """The records as a topic's partitions would hold them, keyed as the services key."""
    offsets: dict[tuple[str, int], count[int]] = defaultdict(count)
    records = []
    for suffix, key, value in made.records:
        partition = zlib.crc32(key) % PARTITIONS
        records.append((Coordinates(suffix, partition, next(offsets[suffix, partition])), value))
    return records


def verify(log: Log, shards: list[list[int]], kept: KeptList | None = None) -> Verdict:
    """As `qsfund-audit verify` runs it with its worker processes, in one process."""
    verifiers = []
    for partitions in shards:
        verifier = Verifier()
        for at, value in log:
            if at.partition in partitions:
                verifier.observe(value, at)
        verifiers.append(verifier)
    results = [from_wire(to_wire(v.finish())) for v in verifiers]
    several = ids_in_several([v.ids() for v in verifiers])
    revocations = [r for result in results for r in result.revocations]
    wanted = lookups_of([r.round_streams for r in results], kept, revocations)
    answers = verifiers[0].look_up(wanted)
    for verifier in verifiers[1:]:
        answers.update(verifier.look_up(wanted))
    shared = [e for v in verifiers for e in v.events_named(several)]
    return merge(results, shared, answers=answers, kept=kept)


def named(verdict: Verdict) -> set[tuple[str | None, str]]:
    return {(f.event_id, f.check) for f in verdict.findings}


def event_in(log: Log, event_id: str) -> tuple[int, dict[str, Any]]:
    return next(
        (i, orjson.loads(v))
        for i, (_, v) in enumerate(log)
        if orjson.loads(v)["event_id"] == event_id
    )


def resealed(log: Log, index: int, event: dict[str, Any]) -> Log:
    """The event changed and sealed again (its successors' links then fail, and are
    named as such: what matters here is that the change itself is named too)."""
    content = {k: v for k, v in event.items() if k != "hash"}
    event = {**event, "hash": hashlib.sha256(canonical_json(content)).hexdigest()}
    return [*log[:index], (log[index][0], canonical_json(event)), *log[index + 1 :]]
