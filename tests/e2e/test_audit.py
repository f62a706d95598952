"""The auditor's tool over a real history: a clean history verifies; each kind of
tampering is caught and named; trail, as-of and round show what happened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.topics import Topics
from tests.e2e.conftest import Stack, wait_for_status
from tests.support.credit_codes import credit_codes
from tests.support.infrastructure import Infrastructure
from tests.support.program import CLAIMS, Program, own_standard
from tests.support.tampering import (
    Records,
    body,
    copy_history,
    edit_event,
    encode,
    reseal,
    stream_of,
)
from tests.support.tokens import Tokens

AUDIT = str(Path(sys.executable).parent / "qsfund-audit")
SHIPPED_POLICY = Path(__file__).resolve().parents[2] / "shared" / "policies" / "2026.1.yaml"


@dataclass
class Scenario:
    first_round: str
    second_round: str
    ids: dict[str, str]
    before_close: datetime


@pytest.fixture(scope="module")
async def scenario(stack: Stack, tokens: Tokens) -> Scenario:
    """Two rounds through allocation: a budget too short for every claim, a return and an
    amendment, an ineligible review, and a nominee later rewarded as the winner. The first
    round is under policy 2026.1, the second under 2026.2, whose achievement
    rules take part 2 of the standard the first round paid for one achievement with it."""
    codes = iter(credit_codes(seed=44))
    url, reader = stack.applications.url, tokens.headers("auditor")
    async with httpx.AsyncClient(base_url=url, headers=reader, timeout=10) as api:
        program = Program(api, tokens)
        first = await program.open_round(budget=900_000, policy_version="2026.1")
        ids = {
            name: await program.submit(first, next(codes), claim) for name, claim in CLAIMS.items()
        }
        ids["ineligible"] = await program.submit(first, next(codes), CLAIMS["pilot"])
        ids["amended"] = await program.submit(first, next(codes), CLAIMS["adoption"])
        await program.review(ids["ineligible"], "ineligible", reason_code="not_in_district")
        await program.review(ids["amended"], "returned", note="attach the adoption record")
        amendment = {**(await api.get(f"/v1/applications/{ids['amended']}")).json()}
        fixed = {
            "enterprise": {
                "credit_code": amendment["credit_code"],
                "name": "Amended Co.",
                "industry": "logistics",
            },
            "claim": CLAIMS["adoption"],
            "evidence": [{"name": "adoption.pdf", "size_bytes": 10, "sha256": "4" * 64}],
            "contact": {"email": "amended@example.cn"},
        }
        assert (await program.amend(ids["amended"], fixed)).status_code == 202
        eligible = [i for name, i in ids.items() if name != "ineligible"]
        for application_id in eligible:
            await program.review(application_id)
        await wait_for_status(api, eligible, {"scored"})
        before_close = datetime.now(UTC)
        await program.close(first)
        await wait_for_status(api, eligible, {"awarded", "not_awarded"})

        second = await program.open_round(budget=5_000_000, policy_version="2026.2")
        nominee = await api.get(f"/v1/applications/{ids['quality_award']}")
        ids["winner"] = await program.submit(
            second, nominee.json()["credit_code"], {**CLAIMS["quality_award"], "tier": "winner"}
        )
        standard = await api.get(f"/v1/applications/{ids['national_standard']}")
        code = standard.json()["credit_code"]
        part_2 = {**CLAIMS["national_standard"], "standard_number": f"{own_standard(code)}.2-2026"}
        ids["series"] = await program.submit(second, code, part_2)
        for application_id in (ids["winner"], ids["series"]):
            await program.review(application_id)
        await wait_for_status(api, [ids["winner"], ids["series"]], {"scored"})
        await program.close(second)
        await wait_for_status(api, [ids["winner"]], {"awarded"})
        await wait_for_status(api, [ids["series"]], {"not_awarded"})
    return Scenario(first, second, ids, before_close)


def audit(
    infra: Infrastructure, topics: Topics, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AUDIT, "--json", *args],
        env={
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "QSFUND_TOPIC_NAMESPACE": topics.namespace,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    return dict(json.loads(result.stdout))


async def test_a_clean_history_verifies(
    infra: Infrastructure, stack_topics: Topics, scenario: Scenario
) -> None:
    result = audit(infra, stack_topics, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    verified = report(result)
    assert verified["verified"] is True
    assert verified["summary"]["rounds"] >= 2
    assert audit(infra, stack_topics, "verify", "--round", scenario.first_round).returncode == 0


async def test_a_series_paid_under_2026_1_is_not_paid_again_under_2026_2(
    stack: Stack, tokens: Tokens, scenario: Scenario
) -> None:
    """Under 2026.1 part 1 and part 2 of one standard were two achievements; the
    2026.2 round keys the earlier payment under its own rules and finds the series paid."""
    url, reader = stack.applications.url, tokens.headers("auditor")
    async with httpx.AsyncClient(base_url=url, headers=reader, timeout=10) as api:
        history = (await api.get(f"/v1/applications/{scenario.ids['series']}/history")).json()
        winner = (await api.get(f"/v1/applications/{scenario.ids['winner']}/history")).json()
    decided = history[-1]
    assert decided["event_type"] == "ApplicationNotAwarded"
    assert decided["payload"]["policy_version"] == "2026.2"
    assert decided["payload"]["reason_code"] == "already_rewarded"
    assert decided["payload"]["prior_achievement_reward_yuan"] == 300_000
    # A title's key is the same under both rules: the nominee's 500,000 counted too.
    assert winner[-1]["payload"]["prior_achievement_reward_yuan"] == 500_000
    assert winner[-1]["payload"]["amount_yuan"] == 500_000


async def test_trail_shows_every_step_as_text_json_and_html(
    infra: Infrastructure, stack_topics: Topics, scenario: Scenario, tmp_path: Path
) -> None:
    amended = scenario.ids["amended"]
    steps = json.loads(audit(infra, stack_topics, "trail", amended, "--format", "json").stdout)
    assert [s["event_type"] for s in steps] == [
        "ApplicationSubmitted",
        "ApplicationReviewed",
        "ApplicationAmended",
        "ApplicationReviewed",
        "ApplicationScored",
        steps[-1]["event_type"],
    ]
    assert steps[1]["reason"].startswith("returned")
    assert steps[1]["actor"] == "reviewer-wang (reviewer)"
    assert steps[4]["policy_version"] == "2026.1"
    page = tmp_path / "trail.html"
    html = audit(infra, stack_topics, "trail", amended, "--format", "html", "--output", str(page))
    assert html.returncode == 0
    text = page.read_text()
    assert text.startswith("<!doctype html>")
    assert "ApplicationAmended" in text
    assert "<script" not in text


async def test_as_of_before_and_after_the_award(
    infra: Infrastructure, stack_topics: Topics, scenario: Scenario
) -> None:
    awarded = scenario.ids["national_standard"]
    before = report(
        audit(
            infra,
            stack_topics,
            "as-of",
            scenario.before_close.isoformat(),
            "--application",
            awarded,
        )
    )
    after = report(
        audit(infra, stack_topics, "as-of", datetime.now(UTC).isoformat(), "--application", awarded)
    )
    assert (before["status"], before.get("amount_yuan")) == ("scored", None)
    assert (after["status"], after["amount_yuan"]) == ("awarded", 300_000)
    round_before = report(
        audit(
            infra,
            stack_topics,
            "as-of",
            scenario.before_close.isoformat(),
            "--round",
            scenario.first_round,
        )
    )
    assert (round_before["closed"], round_before["awarded_total_yuan"]) == (False, 0)


async def test_round_lays_out_the_allocation(
    infra: Infrastructure, stack_topics: Topics, scenario: Scenario
) -> None:
    laid_out = report(audit(infra, stack_topics, "round", scenario.first_round))
    assert laid_out["budget_yuan"] == 900_000
    assert [c["rank"] for c in laid_out["claims"]] == list(range(1, len(laid_out["claims"]) + 1))
    assert laid_out["awarded_total_yuan"] == 800_000
    assert laid_out["budget_ran_out_at_rank"] == 3
    assert laid_out["unspent_yuan"] == 100_000


# Each tampering returns the event id the auditor must name.
def alter_a_review(history: dict[str, Records], ids: dict[str, str]) -> str:
    return _edit(
        history,
        "applications",
        ids["ineligible"],
        "ApplicationReviewed",
        lambda e: {**e, "payload": {**e["payload"], "decision": "eligible"}},
        reseal_chain=False,
    )


def remove_an_event(history: dict[str, Records], ids: dict[str, str]) -> str:
    records = history["applications"]
    stream = _stream(records, ids["amended"])
    removed = stream[1]  # the return for amendment
    records.remove(removed)
    return str(body(stream[2][2])["event_id"])  # its successor no longer follows


def insert_a_forged_award(history: dict[str, Records], ids: dict[str, str]) -> str:
    records = history["scoring"]
    stream = _stream(records, ids["pilot"])  # not awarded: budget ran out
    last = body(stream[-1][2])
    forged = reseal(
        {
            **last,
            "event_id": "00000000-0000-4000-8000-00000000f0f0",
            "event_type": "ApplicationAwarded",
            "aggregate_version": last["aggregate_version"] + 1,
            "payload": {
                **last["payload"],
                "amount_yuan": 300_000,
                "claimed_amount_yuan": 300_000,
                "allocation_mode": "rank",
                "basis": "forged",
            },
        },
        last["hash"],
    )
    forged["payload"].pop("reason_code"), forged["payload"].pop("note")
    forged = reseal(forged, last["hash"])
    records.insert(records.index(stream[-1]) + 1, (stream[-1][0], stream[-1][1], encode(forged)))
    return str(forged["event_id"])


def inflate_an_award_and_reseal(history: dict[str, Records], ids: dict[str, str]) -> str:
    return _edit(
        history,
        "scoring",
        ids["national_standard"],
        "ApplicationAwarded",
        lambda e: {**e, "payload": {**e["payload"], "amount_yuan": 450_000}},
        reseal_chain=True,
    )


def _stream(records: Records, aggregate_id: str) -> Records:
    return stream_of(records, aggregate_id)


def _edit(
    history: dict[str, Records],
    topic: str,
    aggregate_id: str,
    event_type: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    reseal_chain: bool,
) -> str:
    def of_type(event: dict[str, Any]) -> bool:
        return bool(event["event_type"] == event_type)

    return edit_event(history[topic], aggregate_id, of_type, change, reseal_chain)


@pytest.mark.parametrize(
    "tamper",
    [alter_a_review, remove_an_event, insert_a_forged_award, inflate_an_award_and_reseal],
)
async def test_tampering_is_caught_and_the_event_named(
    infra: Infrastructure, stack_topics: Topics, scenario: Scenario, tamper: Any
) -> None:
    named: list[str] = []

    def apply(suffix: str, records: Records) -> Records:
        history = {suffix: records}
        if not named and any(body(r[2])["source"] == _source_of(tamper) for r in records):
            named.append(tamper(history, scenario.ids))
        return history[suffix]

    forged = await copy_history(infra.kafka_bootstrap, stack_topics, apply)
    result = audit(infra, forged, "verify")
    assert result.returncode == 1, result.stdout
    findings = report(result)["findings"]
    assert named, "the tampering found nothing to change"
    assert named[0] in {f["event_id"] for f in findings}, findings


def _source_of(tamper: Any) -> str:
    return "applications" if tamper in (alter_a_review, remove_an_event) else "scoring"


async def test_a_changed_policy_document_is_caught(
    infra: Infrastructure, stack_topics: Topics, scenario: Scenario, tmp_path: Path
) -> None:
    edited = SHIPPED_POLICY.read_text().replace(
        "standard_adoption: 20000", "standard_adoption: 25000"
    )
    (tmp_path / "2026.1.yaml").write_text(edited)
    result = audit(infra, stack_topics, "verify", QSFUND_POLICY_DIR=str(tmp_path))
    assert result.returncode == 1
    findings = report(result)["findings"]
    assert {f["check"] for f in findings} >= {"policy"}
    assert any("SHA-256" in f["message"] and f["event_id"] for f in findings)
