"""The auditor's tool over a round through publicity (公示): a clean history verifies, with
and without the list a portal kept; each kind of tampering with the publicity flow is
caught and named to its event.

The round is the one tests/e2e/test_publicity.py runs (four claims, a budget for two;
an objection to A dismissed, one to B upheld, B found ineligible and the round allocated
again, made final after the period), on a clock of the module's own."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts.values import ChainHead
from shared.hashchain import history_digest
from shared.topics import Topics
from tests.e2e.conftest import Stack
from tests.e2e.test_audit import audit, report
from tests.support.infrastructure import Infrastructure
from tests.support.program import Program
from tests.support.publicity import (
    PERIOD_ENDS,
    MovableClock,
    at_monday,
    objection,
    published_four,
    published_list,
)
from tests.support.tampering import Records, body, copy_history, edit_event, stream_of
from tests.support.tokens import Tokens


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> MovableClock:
    return at_monday(tmp_path_factory.mktemp("clock") / "offset")


@pytest.fixture(scope="module")
def stack_env(clock: MovableClock) -> dict[str, str]:
    return {"QSFUND_TEST_CLOCK_FILE": str(clock.path)}


@dataclass
class Finished:
    round_id: str
    ids: dict[str, str]
    kept: Path  # the list as a portal kept it: revision 2


@pytest.fixture(scope="module")
async def finished(
    stack: Stack, tokens: Tokens, clock: MovableClock, tmp_path_factory: pytest.TempPathFactory
) -> Finished:
    url, reviewer = stack.applications.url, tokens.headers("reviewer")
    async with (
        httpx.AsyncClient(base_url=url, headers=tokens.headers("auditor"), timeout=10) as api,
        httpx.AsyncClient(base_url=url, timeout=10) as public,
    ):
        program = Program(api, tokens)
        round_id, ids = await published_four(program, public, clock, seed=31, series=4200)

        path = f"/v1/public/rounds/{round_id}/objections"
        to_a = await public.post(path, json=objection(ids["A"]))
        to_b = await public.post(path, json=objection(ids["B"], name="Wang Fang"))
        assert (to_a.status_code, to_b.status_code) == (201, 201), to_a.text + to_b.text
        for lodged, decision in ((to_a, "dismissed"), (to_b, "upheld")):
            decided = await api.post(
                f"/v1/objections/{lodged.json()['id']}/decision",
                json={"decision": decision, "reasons": "As the evidence shows."},
                headers=reviewer,
            )
            assert decided.status_code == 202, decided.text
        await program.review(ids["B"], "ineligible", reason_code="evidence_missing", note="no")
        revised = await published_list(public, round_id, revision=2)
        kept = tmp_path_factory.mktemp("kept") / "list.json"
        kept.write_text(json.dumps(revised))

        clock.set(PERIOD_ENDS + timedelta(minutes=1))
        officer = tokens.headers("program_officer")
        final = await api.post(f"/v1/rounds/{round_id}/finalise", headers=officer)
        assert final.status_code == 202, final.text
        await _made_final(api, [ids["A"], ids["C"], ids["D"]])
    return Finished(round_id, ids, kept)


async def test_the_round_through_publicity_verifies_with_and_without_the_kept_list(
    infra: Infrastructure, stack_topics: Topics, finished: Finished
) -> None:
    result = audit(infra, stack_topics, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert report(result)["summary"]["rounds"] == 1
    kept = audit(infra, stack_topics, "verify", "--published", str(finished.kept))
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert report(kept)["verified"] is True


async def test_a_file_that_is_no_published_list_is_refused_naming_the_field(
    infra: Infrastructure, stack_topics: Topics, tmp_path: Path
) -> None:
    wrong = tmp_path / "list.json"
    wrong.write_text(json.dumps({"round_id": "r", "revision": "two"}))
    result = audit(infra, stack_topics, "verify", "--published", str(wrong))
    assert result.returncode == 2
    assert "--published" in result.stderr
    assert "$.revision" in result.stderr, result.stderr


# Each tampering edits the records of one topic of the copied history and returns the
# event id the auditor must name.
Tampering = Callable[[Records, Finished], str]


def finalise_before_the_period_ended(records: Records, round_: Finished) -> str:
    early = (PERIOD_ENDS - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    return _edit(
        records,
        round_.round_id,
        lambda e: e["event_type"] == "RoundFinalised",
        lambda e: {**e, "occurred_at": early},
    )


def finalise_with_an_objection_open(records: Records, round_: Finished) -> str:
    """The decision on A's objection moved to after the finalisation, as if it had been
    open then: the finalisation is what is wrong."""
    final = next(
        body(r[2]) for r in _stream(records, round_.round_id) if _type(r) == "RoundFinalised"
    )
    later = datetime.fromisoformat(final["occurred_at"]) + timedelta(hours=1)
    _edit(
        records,
        round_.ids["A"],
        lambda e: e["event_type"] == "ObjectionDecided",
        lambda e: {**e, "occurred_at": later.isoformat().replace("+00:00", "Z")},
    )
    return str(final["event_id"])


def inflate_a_reallocation_and_reseal(records: Records, round_: Finished) -> str:
    def inflated(event: dict[str, Any]) -> dict[str, Any]:
        outcomes = [
            {**o, "amount_yuan": 330_000} if o["application_id"] == round_.ids["C"] else o
            for o in event["payload"]["outcomes"]
        ]
        return {**event, "payload": {**event["payload"], "outcomes": outcomes}}

    return _edit(
        records,
        round_.round_id,
        lambda e: e["event_type"] == "RoundAllocated" and e["payload"]["allocation"] == 2,
        inflated,
    )


def change_an_entry_of_the_published_list(records: Records, round_: Finished) -> str:
    def changed(event: dict[str, Any]) -> dict[str, Any]:
        entries = [
            {**e, "proposed_amount_yuan": 200_000} if e["application_id"] == round_.ids["D"] else e
            for e in event["payload"]["entries"]
        ]
        total = sum(e["proposed_amount_yuan"] for e in entries)
        return {**event, "payload": {**event["payload"], "entries": entries, "total_yuan": total}}

    return _edit(
        records,
        round_.round_id,
        lambda e: e["event_type"] == "PublishedListRevised",
        changed,
    )


def rewrite_a_stream_tail_and_the_list(records: Records, round_: Finished) -> str:
    """What a forger who knows the scheme does: A's objection decision rewritten and its
    stream sealed again, and the log's list sealing the new head: the log is consistent
    with itself, and only a list kept outside it can tell."""
    a = round_.ids["A"]
    named = _edit(
        records,
        a,
        lambda e: e["event_type"] == "ObjectionDecided",
        lambda e: {**e, "payload": {**e["payload"], "reasons": "Rewritten."}},
    )
    new_hashes = {body(r[2])["aggregate_version"]: body(r[2])["hash"] for r in _stream(records, a)}

    def sealing_the_new_head(event: dict[str, Any]) -> dict[str, Any]:
        heads = [
            {**h, "hash": new_hashes[h["version"]]}
            if (h["source"], h["aggregate_id"]) == ("applications", a)
            else h
            for h in event["payload"]["heads"]
        ]
        digest = history_digest(ChainHead(**h) for h in heads)
        return {**event, "payload": {**event["payload"], "heads": heads, "digest": digest}}

    _edit(
        records,
        round_.round_id,
        lambda e: e["event_type"] == "PublishedListRevised",
        sealing_the_new_head,
    )
    return named


@pytest.mark.parametrize(
    ("tamper", "topic", "check"),
    [
        (finalise_before_the_period_ended, "applications", "final decision"),
        (finalise_with_an_objection_open, "applications", "final decision"),
        (inflate_a_reallocation_and_reseal, "scoring", "allocation reproduced"),
        (change_an_entry_of_the_published_list, "applications", "published list"),
    ],
)
async def test_tampering_with_publicity_is_caught_and_the_event_named(
    infra: Infrastructure,
    stack_topics: Topics,
    finished: Finished,
    tamper: Tampering,
    topic: str,
    check: str,
) -> None:
    forged, named = await _forge(infra, stack_topics, finished, tamper, topic)
    result = audit(infra, forged, "verify")
    assert result.returncode == 1, result.stdout
    findings = report(result)["findings"]
    assert (named, check) in {(f["event_id"], f["check"]) for f in findings}, findings


async def test_a_rewritten_tail_verifies_alone_but_not_against_the_kept_list(
    infra: Infrastructure, stack_topics: Topics, finished: Finished
) -> None:
    forged, named = await _forge(
        infra, stack_topics, finished, rewrite_a_stream_tail_and_the_list, "applications"
    )
    alone = audit(infra, forged, "verify")
    assert alone.returncode == 0, alone.stdout
    held = audit(infra, forged, "verify", "--published", str(finished.kept))
    assert held.returncode == 1, held.stdout + held.stderr
    findings = report(held)["findings"]
    assert (named, "kept list") in {(f["event_id"], f["check"]) for f in findings}, findings


async def _forge(
    infra: Infrastructure, topics: Topics, finished: Finished, tamper: Tampering, topic: str
) -> tuple[Topics, str]:
    """The history copied with one tampering of `topic`; the event id it names."""
    named: list[str] = []

    def apply(suffix: str, records: Records) -> Records:
        if suffix == topic:
            named.append(tamper(records, finished))
        return records

    return await copy_history(infra.kafka_bootstrap, topics, apply), named[0]


async def _made_final(api: httpx.AsyncClient, ids: list[str]) -> None:
    """Until every award reads final (at most 30 s)."""
    stages: list[Any] = []
    for _ in range(120):
        stages = [(await api.get(f"/v1/applications/{i}")).json().get("award_stage") for i in ids]
        if all(stage == "final" for stage in stages):
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"not all final: {stages}")


def _type(record: tuple[int, bytes, bytes]) -> str:
    return str(body(record[2])["event_type"])


_stream = stream_of
_edit = edit_event
