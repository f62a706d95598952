"""deploy/compose.yaml, run for real: the stack comes up healthy in dependency order, the
platform loads the district's register (over the 16 KiB other routes take) and intake
holds filings to it, one application goes from round to award through the published
ports and the reports service's report of the round counts it, the auditor's tool
verifies the history inside the stack, and the payments service and the finance bureau's
stand-in reach each other with the addresses and secrets the file gives them.

Run by `make compose-test` (it builds the images first); skipped otherwise."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.payments.adapters.finance import DEVELOPMENT_TO_BUREAU_SECRET
from shared.envelope import canonical_json
from shared.signing import signatures
from tests.support.compose import SERVICES, ComposeStack, compose_stack
from tests.support.credit_codes import credit_codes
from tests.support.events import VALID_CREDIT_CODES
from tests.support.program import CLAIMS, application

pytestmark = pytest.mark.skipif(
    os.environ.get("QSFUND_COMPOSE_TEST") != "1",
    reason="the Compose stack runs with `make compose-test` (builds images, takes minutes)",
)


@pytest.fixture(scope="module")
def stack() -> Iterator[ComposeStack]:
    with compose_stack() as running:
        yield running


def wait_for(api: httpx.Client, application_id: str, wanted: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        view: dict[str, Any] = api.get(f"/v1/applications/{application_id}").json()
        if view["status"] in wanted or time.monotonic() > deadline:
            return view
        time.sleep(0.25)  # polling for the positive signal: the status we wait for


def wait_for_report(
    reports: httpx.Client, path: str, done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The report's totals once `done` says they show what the test did (at most 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        answer = reports.get(path)  # 404 until it has read the round's opening
        if answer.status_code == 200 and done(totals := answer.json()["totals"]):
            return dict(totals)
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.25)  # polling for the positive signal: the report shows the award


def register_csv(registered: list[str]) -> bytes:
    """A load of the register as CSV: these enterprises, then one whose code fails its checksum."""
    header = "credit_code,name,former_names,industry_code,registered_on,deregistered_on,"
    header += "dishonesty_listed_on,dishonesty_removed_on,dishonesty_reference\n"
    rows = [
        f"{code},重庆冷链物流有限公司{n},,G5430,2019-03-01,,,,\n"
        for n, code in enumerate(registered)
    ]
    rows.append(f"{registered[0][:-1]}X,重庆某科技有限公司,,G5430,2020-01-01,,,,\n")
    return (header + "".join(rows)).encode()


def copied_by_intake(stack: ComposeStack) -> None:
    """Wait until the applications service has copied a load of the register (60 s)."""
    count = ["psql", "-U", "postgres", "-d", "qsfund_applications", "-tAc"]
    deadline = time.monotonic() + 60
    while True:
        done = stack.exec("postgres", *count, "SELECT count(*) FROM register_load")
        if done.returncode == 0 and done.stdout.strip() not in ("", "0"):
            return
        assert time.monotonic() < deadline, done.stdout + done.stderr
        time.sleep(0.25)  # polling for the positive signal: the copied load


def test_the_stack_is_healthy_in_dependency_order(stack: ComposeStack) -> None:
    containers = stack.containers()
    migrate = containers["migrate"]["State"]
    assert migrate["ExitCode"] == 0
    for name in ("kafka", "postgres", *SERVICES, "finance-standin"):
        assert containers[name]["State"]["Health"]["Status"] == "healthy", name
    for name in SERVICES:
        # Started only once the migrations and topics were in place.
        assert containers[name]["State"]["StartedAt"] > migrate["FinishedAt"], name


def test_the_register_holds_intake_an_award_is_made_the_report_counts_it_the_audit_verifies(
    stack: ComposeStack,
) -> None:
    now = datetime.now(UTC)
    code = VALID_CREDIT_CODES[0]
    officer = stack.token("program_officer", "--sub", "officer-li")
    reviewer = stack.token("reviewer", "--sub", "reviewer-wang")
    applicant = stack.token("applicant", "--credit-code", code)
    auditor = stack.token("auditor", "--sub", "auditor-sun")
    with httpx.Client(base_url=stack.url("applications"), headers=auditor, timeout=10) as api:
        created = api.post(
            "/v1/rounds",
            json={
                "name": "2026 Quality and Standardization Incentives",
                "year": 2026,
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=30)).isoformat(),
                "period_start": "2025-07-01",
                "period_end": "2026-06-30",
                "budget_yuan": 1_000_000,
                "enterprise_cap_yuan": 1_000_000,
            },
            headers=officer,
        )
        assert created.status_code == 201, created.text
        round_id = created.json()["id"]

        # The platform loads the register: a bad row is reported, the good ones go in, and
        # once intake has copied it a filing by an enterprise it does not hold is refused.
        unknown = VALID_CREDIT_CODES[1]
        load = register_csv([code, *credit_codes(seed=17, count=999)])
        assert len(load) > 16 * 1024  # the load route's own ceiling, not the others' 16 KiB
        platform = stack.token("platform", "--sub", "chongqing-gov-platform")
        with httpx.Client(base_url=stack.url("register"), timeout=30) as register:
            loaded = register.post(
                "/v1/register/loads",
                params={"load_id": "compose-1"},
                content=load,
                headers={**platform, "Content-Type": "text/csv"},
            )
            assert loaded.status_code == 200, loaded.text
            answer = loaded.json()
            assert (answer["accepted"], answer["rejected"]) == (1000, 1), answer
            assert [(p["row"], p["rule"]) for p in answer["problems"]][:1] == [(1001, "checksum")]
            record = register.get(f"/v1/register/enterprises/{code}", headers=reviewer)
            assert record.status_code == 200, record.text
        copied_by_intake(stack)
        refused = api.post(
            "/v1/applications",
            json=application(round_id, unknown, CLAIMS["national_standard"]),
            headers=stack.token("applicant", "--credit-code", unknown),
        )
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert (error["field"], error["rule"]) == (
            "enterprise.credit_code",
            "registered_in_district",
        )

        filed = api.post(
            "/v1/applications",
            json=application(round_id, code, CLAIMS["national_standard"]),
            headers=applicant,
        )
        assert filed.status_code == 201, filed.text
        application_id = filed.json()["id"]
        reviewed = api.post(
            f"/v1/applications/{application_id}/review",
            json={"decision": "eligible"},
            headers=reviewer,
        )
        assert reviewed.status_code == 202, reviewed.text
        scored = wait_for(api, application_id, {"scored"})
        assert scored["claimed_amount_yuan"] == 300_000, scored
        assert api.post(f"/v1/rounds/{round_id}/close", headers=officer).status_code == 202
        awarded = wait_for(api, application_id, {"awarded", "not_awarded"})
        assert (awarded["status"], awarded["awarded_amount_yuan"]) == ("awarded", 300_000)

    with httpx.Client(base_url=stack.url("notifications"), headers=auditor, timeout=10) as notes:
        sent = notes.get("/v1/notifications", params={"application_id": application_id})
        assert sent.status_code == 200, sent.text

    # The reports service reads the same topics from its own database: the round's report
    # shows the award once it has read the allocation.
    with httpx.Client(base_url=stack.url("reports"), headers=officer, timeout=10) as reports:
        path = f"/v1/reports/rounds/{round_id}"
        totals = wait_for_report(reports, path, lambda t: t["proposed_yuan"] == 300_000)
        assert (totals["applications"], totals["claimed_yuan"]) == (1, 300_000)
        assert reports.get(f"{path}/report.html").status_code == 200

    audit = stack.exec("applications", "qsfund-audit", "verify", "--round", round_id)
    assert audit.returncode == 0, audit.stdout + audit.stderr


# Run inside the payments container: its own settings (finance URL, secrets) ask the
# bureau about an instruction nobody made. The stand-in answering "not there" (404, under a
# signature it accepted) is the only outcome that needs both the address and the secret right.
ASK_THE_BUREAU = """
import asyncio
from services.payments.adapters.finance import FinanceBureau
from services.payments.bootstrap import PaymentsSettings

async def ask():
    settings = PaymentsSettings()
    bureau = FinanceBureau(
        settings.payments_finance_url, settings.payments_finance_secrets, settings.clock
    )
    try:
        print(type(await bureau.status("compose-wiring-check")).__name__)
    finally:
        await bureau.aclose()

asyncio.run(ask())
"""


def test_payments_is_ready_and_reaches_the_finance_stand_in(stack: ComposeStack) -> None:
    with httpx.Client(base_url=stack.url("payments"), timeout=10) as payments:
        # Healthy (alive) first; ready once it has also read which tokens are revoked.
        deadline = time.monotonic() + 60
        while (ready := payments.get("/ready")).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.5)
    asked = stack.exec("payments", "python", "-c", ASK_THE_BUREAU)
    assert asked.returncode == 0, asked.stdout + asked.stderr
    assert asked.stdout.strip() == "NotThere", asked.stdout + asked.stderr


def instruction(instruction_id: str) -> bytes:
    """A payment instruction as the contract shows it (docs/finance-contract.md), to an
    account the stand-in pays when released."""
    return canonical_json(
        {
            "instruction_id": instruction_id,
            "amount_yuan": 1000,
            "currency": "CNY",
            "payee": {
                "credit_code": VALID_CREDIT_CODES[0],
                "account_name": "重庆某某科技有限公司",
                "account_number": "310066726018800012345",
                "bank_name": "交通银行重庆渝北支行",
                "cnaps_code": "301653000015",
            },
            "award": {
                "application_id": "compose-wiring-check",
                "round_id": "compose-wiring-check",
                "final_award_yuan": 1000,
                "tranche": 1,
                "tranches": 1,
            },
            "reissue_of": None,
            "purpose": "compose wiring check",
        }
    )


def test_the_stand_in_calls_back_the_payments_service(stack: ComposeStack) -> None:
    """An instruction qsfund never made, paid by the stand-in: its callback reaches the
    payments service at the address the file gives, under a signature payments accepts,
    so payments answers 404 (unknown instruction), not 401 (bad signature)."""
    instruction_id = "compose-wiring-check-t1-a1"
    body = instruction(instruction_id)
    timestamp = int(time.time())
    with httpx.Client(base_url=stack.url("finance-standin"), timeout=10) as bureau:
        accepted = bureau.post(
            "/v1/payment-instructions",
            content=body,
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": instruction_id,
                "X-Qsfund-Timestamp": str(timestamp),
                "X-Qsfund-Signature": signatures([DEVELOPMENT_TO_BUREAU_SECRET], timestamp, body),
            },
        )
        assert accepted.status_code == 202, accepted.text
        assert bureau.post("/stand-in/release").json()["paid"] == 1
        deadline = time.monotonic() + 30
        while True:
            (delivery,) = bureau.get("/stand-in/state").json()["callbacks"]
            if delivery["answers"] or time.monotonic() > deadline:
                break
            time.sleep(0.25)  # polling for the positive signal: payments' first answer
    assert delivery["instruction_id"] == instruction_id
    assert delivery["answers"][:1] == [404], json.dumps(delivery)
