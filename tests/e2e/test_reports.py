"""The office's report over the real stack: a round taken to final and paid through the
finance bureau's stand-in, its report's figures checked against the round's events in
the log, both exports opened and read back, the printable page, the auditor's
regeneration from the log equal to the service's report, and the service's projection
equal to its rebuild."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import statistics
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import openpyxl
import pytest

from shared.contracts import parse_payload
from shared.envelope import Envelope
from shared.log_reader import read_values
from shared.topics import Topics
from tests.e2e.conftest import Finance, Stack, wait_for_status
from tests.e2e.test_audit import audit
from tests.e2e.test_payments import account, until
from tests.e2e.test_rebuild import rebuild
from tests.support.credit_codes import credit_codes
from tests.support.infrastructure import Infrastructure
from tests.support.processes import ServiceProcess
from tests.support.program import CLAIMS, Program
from tests.support.publicity import PERIOD_ENDS, MovableClock, at_monday, published_list, standard
from tests.support.tokens import Tokens

CNAPS = "301653000015"


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> MovableClock:
    return at_monday(tmp_path_factory.mktemp("clock") / "offset")


@pytest.fixture(scope="module")
def stack_env(clock: MovableClock) -> dict[str, str]:
    return {"QSFUND_TEST_CLOCK_FILE": str(clock.path)}


@dataclass
class PaidRound:
    round_id: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
async def paid_round(
    stack: Stack, finance: Finance, tokens: Tokens, clock: MovableClock
) -> AsyncIterator[PaidRound]:
    """Five filings on a budget of 650,000: A (a priority industry), B and E lead a
    national standard each (300,000), D adopts an international standard (20,000), C is
    found ineligible. The budget cannot fund all of A, B and E. What is final is paid."""
    url = stack.applications.url
    async with (
        httpx.AsyncClient(base_url=url, headers=tokens.headers("auditor"), timeout=10) as api,
        httpx.AsyncClient(base_url=url, timeout=10) as public,
        httpx.AsyncClient(base_url=finance.payments.url, timeout=10) as payments,
        httpx.AsyncClient(base_url=finance.bureau.url, timeout=10) as bureau,
    ):
        program = Program(api, tokens)
        now = clock.now()
        round_id = await program.open_round(
            budget=650_000,
            opens_at=(now - timedelta(hours=1)).isoformat(),
            closes_at=(now + timedelta(days=30)).isoformat(),
            publicity_day_kind="working",
            policy_version="2026.3",
        )
        codes = dict(zip("ABCDE", credit_codes(seed=83), strict=False))
        filings = {
            "A": (standard("GB/T 8101"), "logistics"),
            "B": (standard("GB/T 8102"), "retail"),
            "C": (CLAIMS["pilot"], "retail"),
            "D": (CLAIMS["adoption"], "logistics"),
            "E": (standard("GB/T 8105"), "machinery"),
        }
        ids = {
            k: await program.submit(round_id, codes[k], claim, industry=industry)
            for k, (claim, industry) in filings.items()
        }
        for key, application_id in ids.items():
            if key == "C":
                await program.review(application_id, "ineligible", reason_code="outside_period")
            else:
                await program.review(application_id)
        await program.close(round_id)
        await published_list(public, round_id, revision=1)
        eligible = [ids[k] for k in "ABDE"]
        views = await wait_for_status(api, eligible, {"awarded", "not_awarded"})
        awarded = [k for k in "ABDE" if views[ids[k]]["status"] == "awarded"]
        clock.set(PERIOD_ENDS + timedelta(hours=1))
        officer = tokens.headers("program_officer")

        async def finalised() -> bool:
            answer = await api.post(f"/v1/rounds/{round_id}/finalise", headers=officer)
            return answer.status_code == 202

        await until(finalised, "the round finalised")

        async def stage(key: str) -> str:
            view = await payments.get(f"/v1/awards/{ids[key]}", headers=tokens.headers("auditor"))
            return str(view.json().get("stage", "")) if view.status_code == 200 else ""

        for n, key in enumerate(awarded):
            await until(_staged(stage, key, "final"), f"{key} final")
            registered = await payments.put(
                f"/v1/awards/{ids[key]}/payee",
                json={
                    "account_name": f"重庆{codes[key][-6:]}科技有限公司",
                    "account_number": account(f"{n + 10:04d}"),
                    "bank_name": "交通银行重庆渝北支行",
                    "cnaps_code": CNAPS,
                },
                headers=tokens.applicant(codes[key]),
            )
            assert registered.status_code == 200, registered.text

        async def all_paid() -> bool:
            await bureau.post("/stand-in/release")
            return all([await stage(k) == "paid" for k in awarded])

        await until(all_paid, "every final award paid")
        yield PaidRound(round_id, ids)


def _staged(
    stage: Callable[[str], Awaitable[str]], key: str, wanted: str
) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await stage(key) == wanted

    return check


async def round_events(
    infra: Infrastructure, topics: Topics, round_id: str
) -> list[tuple[Envelope, Any]]:
    records = await read_values(
        infra.kafka_bootstrap, [topics.applications, topics.scoring, topics.payments]
    )
    events: list[tuple[Envelope, Any]] = [
        (e, parse_payload(e)) for e in map(Envelope.decode, records)
    ]
    ids = {
        ev.application_id
        for _, ev in events
        if type(ev).__name__ == "ApplicationSubmitted" and ev.round_id == round_id
    }
    return [
        (e, ev)
        for e, ev in events
        if getattr(ev, "round_id", None) == round_id or getattr(ev, "application_id", "") in ids
    ]


def _of(events: list[tuple[Envelope, Any]], name: str) -> list[tuple[Envelope, Any]]:
    return [(e, ev) for e, ev in events if type(ev).__name__ == name]


def _median(spans: list[timedelta]) -> int:
    return int(statistics.median(s.total_seconds() for s in spans) // 1)


@pytest.fixture(scope="module")
async def officer_reports(
    reports: ServiceProcess, tokens: Tokens
) -> AsyncIterator[httpx.AsyncClient]:
    headers = tokens.headers("program_officer")
    async with httpx.AsyncClient(base_url=reports.url, headers=headers, timeout=30) as client:
        yield client


async def test_the_report_adds_up_the_rounds_events(
    paid_round: PaidRound,
    officer_reports: httpx.AsyncClient,
    infra: Infrastructure,
    stack_topics: Topics,
) -> None:
    events = await round_events(infra, stack_topics, paid_round.round_id)
    paid = sum(ev.amount_yuan for _, ev in _of(events, "PaymentSucceeded"))
    assert paid > 0

    async def settled() -> dict[str, Any] | None:
        answer = await officer_reports.get(f"/v1/reports/rounds/{paid_round.round_id}")
        found: dict[str, Any] = answer.json() if answer.status_code == 200 else {}
        return found if found.get("totals", {}).get("paid_yuan") == paid else None

    made = await until(settled, "the report counts every payment")
    totals = made["totals"]
    final = {ev.application_id: ev.amount_yuan for _, ev in _of(events, "AwardFinalised")}
    proposed: dict[str, int] = {}
    for _, ev in _of(events, "ApplicationAwarded"):
        proposed[ev.application_id] = ev.amount_yuan
    assert totals["applications"] == 5
    assert totals["final_yuan"] == sum(final.values()) > 0
    assert totals["proposed_yuan"] == sum(proposed.values())
    assert totals["claimed_yuan"] == sum(
        ev.claimed_amount_yuan for _, ev in _of(events, "ApplicationScored")
    )
    assert totals["recovered_yuan"] == 0
    assert made["budget_yuan"] == 650_000
    assert made["ineligibility_reasons"] == [{"code": "outside_period", "applications": 1}]
    not_awarded = Counter(ev.reason_code for _, ev in _of(events, "ApplicationNotAwarded"))
    assert {r["code"]: r["applications"] for r in made["non_award_reasons"]} == not_awarded
    assert not_awarded  # the budget could not fund every standard

    submitted = {ev.application_id: e.occurred_at for e, ev in _of(events, "ApplicationSubmitted")}
    reviewed = {ev.application_id: e.occurred_at for e, ev in _of(events, "ApplicationReviewed")}
    finals = {ev.application_id: e.occurred_at for e, ev in _of(events, "AwardFinalised")}
    paid_at: dict[str, datetime] = {}
    for _, ev in _of(events, "PaymentSucceeded"):
        paid_at.setdefault(ev.application_id, ev.paid_at)
    steps = {s["step"]: s for s in made["steps"]}
    to_review = [reviewed[a] - submitted[a] for a in reviewed]
    assert steps["submission_to_review"]["applications"] == 5
    assert steps["submission_to_review"]["median_seconds"] == _median(to_review)
    to_paid = [paid_at[a] - finals[a] for a in paid_at]
    assert steps["final_to_paid"]["applications"] == len(paid_at)
    assert steps["final_to_paid"]["median_seconds"] == _median(to_paid)

    # A's industry is one of 2026.3's priorities; its award shows under it.
    priority = {p["priority_industry"]: p for p in made["by_priority_industry"]}
    logistics = [a for a in ("A", "D") if paid_round.ids[a] in final]
    assert priority["logistics"]["awards"] == len(logistics)
    assert priority["logistics"]["final_yuan"] == sum(final[paid_round.ids[a]] for a in logistics)
    recipients = made["largest_recipients"]
    assert recipients[0]["awarded_yuan"] == max(final.values())
    assert all(r["headroom_yuan"] == r["cap_yuan"] - r["awarded_yuan"] for r in recipients)


async def test_both_exports_read_back_to_the_report(
    paid_round: PaidRound, officer_reports: httpx.AsyncClient
) -> None:
    path = f"/v1/reports/rounds/{paid_round.round_id}"
    filters = {"category": "standard"}
    made = (await officer_reports.get(path, params=filters)).json()
    assert made["totals"]["applications"] == 3  # A, B and E; not C's pilot nor D's adoption

    exported = await officer_reports.get(path, params={**filters, "format": "csv"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sorted(r["application_id"] for r in rows) == sorted(paid_round.ids[k] for k in "ABE")
    for column in ("claimed_yuan", "proposed_yuan", "final_yuan", "paid_yuan"):
        assert sum(int(r[column]) for r in rows) == made["totals"][column], column

    workbook = await officer_reports.get(path, params={**filters, "format": "xlsx"})
    assert workbook.status_code == 200, workbook.text
    book = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["category"] == "standard"
    for column, value in made["totals"].items():
        assert summary[column] == value, column
    sheet = list(book["Applications"].iter_rows(values_only=True))
    header, lines = sheet[0], sheet[1:]
    assert len(lines) == 3
    final = header.index("final_yuan")
    assert sum(int(str(line[final] or 0)) for line in lines) == made["totals"]["final_yuan"]
    reasons = list(book["Non-award reasons"].iter_rows(values_only=True))
    assert [tuple(r) for r in reasons[1:]] == [
        (r["code"], r["applications"]) for r in made["non_award_reasons"]
    ]


async def test_the_page_draws_its_charts_without_scripts(
    paid_round: PaidRound, officer_reports: httpx.AsyncClient, tokens: Tokens
) -> None:
    page = await officer_reports.get(f"/v1/reports/rounds/{paid_round.round_id}/report.html")
    assert page.status_code == 200
    assert page.text.count("<svg") == 2
    assert "<script" not in page.text
    assert "http" not in page.text.replace("http://www.w3.org/2000/svg", "")
    assert "@media print" in page.text
    year = await officer_reports.get("/v1/reports/years/2026/report.html")
    assert year.status_code == 200
    refused = await officer_reports.get(
        f"/v1/reports/rounds/{paid_round.round_id}", headers=tokens.headers("reviewer")
    )
    assert refused.status_code == 403
    unknown = await officer_reports.get("/v1/reports/rounds/no-such-round")
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (404, "round_id")
    wrong = await officer_reports.get("/v1/reports/years/2026", params={"level": "galactic"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "query.level"


async def test_the_auditor_regenerates_the_same_report_from_the_log(
    paid_round: PaidRound,
    reports: ServiceProcess,
    infra: Infrastructure,
    stack_topics: Topics,
    tokens: Tokens,
) -> None:
    token = tokens.headers("auditor")["Authorization"].removeprefix("Bearer ")
    for scope in (["--round", paid_round.round_id], ["--year", "2026", "--category", "standard"]):
        compared = audit(
            infra, stack_topics, "report", *scope, "--compare", reports.url, "--token", token
        )
        assert compared.returncode == 0, compared.stdout + compared.stderr
        assert '"equal": true' in compared.stdout


async def test_the_reports_projection_equals_its_rebuild(
    paid_round: PaidRound, reports: ServiceProcess, infra: Infrastructure, stack_topics: Topics
) -> None:
    # After the round is final and paid, the rows the report is computed from (one per
    # application and round) are what the three topics alone rebuild.
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
        "REPORTS_DATABASE_URL": reports.env["REPORTS_DATABASE_URL"],
    }
    for _ in range(20):  # the live service may still be reading the last payments
        rebuilt = rebuild("reports", env)
        if rebuilt.returncode == 0:
            break
        await asyncio.sleep(0.5)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "DIFFERENT" not in rebuilt.stdout
    # Five applications and their round, each table's rows equal: not two empty tables.
    for table, rows in (("report_application", 5), ("report_round", 1)):
        assert re.search(rf"{table} +live {rows} rows, .* equal$", rebuilt.stdout, re.M), table
