"""deploy/compose.yaml, run for real: the stack comes up healthy in dependency order, one
application goes from round to award through the published ports, and the auditor's
tool verifies the history inside the stack.

Run by `make compose-test` (it builds the images first); skipped otherwise."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.compose import SERVICES, ComposeStack, compose_stack
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


def test_the_stack_is_healthy_in_dependency_order(stack: ComposeStack) -> None:
    containers = stack.containers()
    migrate = containers["migrate"]["State"]
    assert migrate["ExitCode"] == 0
    for name in ("kafka", "postgres", *SERVICES):
        assert containers[name]["State"]["Health"]["Status"] == "healthy", name
    for name in SERVICES:
        # Started only once the migrations and topics were in place.
        assert containers[name]["State"]["StartedAt"] > migrate["FinishedAt"], name


def test_an_application_goes_from_round_to_award_and_the_audit_verifies_it(
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

    audit = stack.exec("applications", "qsfund-audit", "verify", "--round", round_id)
    assert audit.returncode == 0, audit.stdout + audit.stderr
