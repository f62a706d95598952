"""verify over a round through publicity, made in memory: the clean history holds, in one
reader as in shards; each change to an allocation, a list, an objection or the final
decision is named at the event that carries it; a kept list holds the log to what was
published."""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import msgspec
import orjson
import pytest

from services.audit.domain.kept import KeptList
from services.audit.domain.lookups import lookups_of
from services.audit.domain.records import Coordinates
from services.audit.domain.verdict import Verdict, Verifier, ids_in_several, merge
from services.audit.shards import from_wire, to_wire
from shared.contracts.values import ChainHead
from shared.envelope import canonical_json
from shared.hashchain import history_digest
from tests.support.publicity_history import Made, publicity_history

PARTITIONS = 4
Log = list[tuple[Coordinates, bytes]]


@pytest.fixture(scope="module")
def made() -> Made:
    return publicity_history()


@pytest.fixture(scope="module")
def log(made: Made) -> Log:
    return history_log(made)


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
    wanted = lookups_of([r.round_streams for r in results], kept)
    answers = verifiers[0].look_up(wanted)
    for verifier in verifiers[1:]:
        answers.update(verifier.look_up(wanted))
    shared = [e for v in verifiers for e in v.events_named(several)]
    return merge(results, shared, answers=answers, kept=kept)


EVERY = [list(range(PARTITIONS))]


def named(verdict: Verdict) -> set[tuple[str | None, str]]:
    return {(f.event_id, f.check) for f in verdict.findings}


def test_the_round_through_publicity_verifies_in_one_reader_and_in_shards(log: Log) -> None:
    whole = verify(log, EVERY)
    assert whole.findings == []
    assert verify(log, [[0, 2], [1, 3]]) == whole


def _event(log: Log, event_id: str) -> tuple[int, dict[str, Any]]:
    return next(
        (i, orjson.loads(v))
        for i, (_, v) in enumerate(log)
        if orjson.loads(v)["event_id"] == event_id
    )


def _resealed(log: Log, index: int, event: dict[str, Any]) -> Log:
    """The event changed and sealed again (its successors' links then fail, and are
    named as such: what matters here is that the change itself is named too)."""
    content = {k: v for k, v in event.items() if k != "hash"}
    event = {**event, "hash": hashlib.sha256(canonical_json(content)).hexdigest()}
    return [*log[:index], (log[index][0], canonical_json(event)), *log[index + 1 :]]


Change = Callable[[dict[str, Any], Made], dict[str, Any]]


def payload(**changes: Any) -> Change:
    return lambda e, _: {**e, "payload": {**e["payload"], **changes}}


def at_moment(moment: Callable[[Made], str]) -> Change:
    return lambda e, made: {**e, "occurred_at": moment(made)}


def _after_the_period(made: Made) -> str:
    return made.ids["ends_at"]


def _before_the_period_ended(made: Made) -> str:
    return (datetime.fromisoformat(made.ids["ends_at"]) - timedelta(hours=1)).isoformat()


def _a_head_rewritten(event: dict[str, Any], _: Made) -> dict[str, Any]:
    heads = [
        {**h, "hash": "f" * 64} if i == 0 else h for i, h in enumerate(event["payload"]["heads"])
    ]
    digest = history_digest(ChainHead(**h) for h in heads)
    return {**event, "payload": {**event["payload"], "heads": heads, "digest": digest}}


def _c(made: Made) -> str:
    return next(k for k in made.ids if k.startswith("decided 2 "))


@pytest.mark.parametrize(
    ("which", "change", "check"),
    [
        (_c, payload(amount_yuan=310_000), "allocation reproduced"),
        (lambda m: "withdrawn 2", payload(withdrawn_yuan=1), "allocation reproduced"),
        (lambda m: "allocated 2", payload(excluded=[]), "allocation reproduced"),
        (lambda m: "allocated 1", payload(budget_yuan=1), "allocation reproduced"),
        (lambda m: "lodged A", at_moment(_after_the_period), "objection"),
        (lambda m: "decided A", payload(objection_id="never-lodged"), "objection"),
        (lambda m: "final", at_moment(_before_the_period_ended), "final decision"),
        (lambda m: "final", payload(total_yuan=1), "final decision"),
        (lambda m: f"final {m.ids['A']}", payload(amount_yuan=1), "final decision"),
        (lambda m: "opened", payload(ends_at="2026-03-02T00:00:00+00:00"), "published list"),
        (lambda m: "opened", _a_head_rewritten, "published list"),
        (lambda m: "revised", payload(allocation=1), "published list"),
    ],
)
def test_each_change_is_named_at_its_event(
    log: Log, made: Made, which: Callable[[Made], str], change: Change, check: str
) -> None:
    event_id = made.ids[which(made)]
    index, event = _event(log, event_id)
    verdict = verify(_resealed(log, index, change(event, made)), EVERY)
    assert (event_id, check) in named(verdict), verdict.findings


def _kept(log: Log, made: Made) -> dict[str, Any]:
    _, revised = _event(log, made.ids["revised"])
    return dict(revised["payload"])


def test_the_kept_list_holds_the_log_to_what_was_published(log: Log, made: Made) -> None:
    kept = msgspec.convert(_kept(log, made), KeptList)
    assert verify(log, [[0, 2], [1, 3]], kept).findings == []
    # A head the kept list seals, rewritten in the log with its stream's tail: named at
    # the event now at that version.
    head = next(
        h for h in kept.heads if h.aggregate_id == made.ids["A"] and h.source == "applications"
    )
    index, event = next(
        (i, orjson.loads(v))
        for i, (_, v) in enumerate(log)
        if orjson.loads(v)["aggregate_id"] == head.aggregate_id
        and orjson.loads(v)["source"] == head.source
        and orjson.loads(v)["aggregate_version"] == head.version
    )
    rewritten = _resealed(log, index, {**event, "actor": {"id": "someone else"}})
    verdict = verify(rewritten, [[0, 2], [1, 3]], kept)
    assert (event["event_id"], "kept list") in named(verdict)


def test_a_kept_list_that_is_not_the_logs_is_named_at_the_logs_list(log: Log, made: Made) -> None:
    listed = _kept(log, made)
    entries = [
        {**e, "proposed_amount_yuan": 1} if i == 0 else e for i, e in enumerate(listed["entries"])
    ]
    kept = msgspec.convert({**listed, "entries": entries}, KeptList)
    assert (made.ids["revised"], "kept list") in named(verify(log, EVERY, kept))
    forged = msgspec.convert({**listed, "digest": "0" * 64}, KeptList)
    assert any(
        f.check == "kept list" and "digest is not the digest of its heads" in f.message
        for f in verify(log, EVERY, forged).findings
    )


def test_made_final_the_moment_the_period_ends_holds(log: Log, made: Made) -> None:
    index, event = _event(log, made.ids["final"])
    on_time = _resealed(log, index, {**event, "occurred_at": made.ids["ends_at"]})
    assert verify(on_time, EVERY).findings == []
