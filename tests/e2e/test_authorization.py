"""Over the real stack, each role gets what its service's Access (shared/auth/matrix.py)
says: the endpoint's success status where its row lists the role, 403 where it does not,
for every cell.
Applicants and platforms see only their own applications, and each event names the
token's subject and role."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import pytest

from shared.auth.matrix import Endpoint
from shared.auth.principal import ROLES, Role
from tests.e2e.conftest import Finance, Stack
from tests.support.access import ACCESS
from tests.support.credit_codes import credit_codes
from tests.support.processes import ServiceProcess
from tests.support.program import CLAIMS, Program, application
from tests.support.tokens import PLATFORM, Tokens

CODE_A, CODE_B, CODE_C = credit_codes(seed=91)[:3]
OTHER_PLATFORM = "shanghai-gov-platform"


@dataclass
class World:
    """A round and an application enterprise A filed through platform P, seen by both."""

    program: Program
    tokens: Tokens
    round_id: str
    application_id: str
    notification_id: str
    notifications_url: str
    webhook_id: str = ""

    async def new_webhook(self) -> str:
        """A webhook of platform P, for awards only (none happen in this module), on an
        address that does not resolve: the stack never waits on it."""
        response = await self.program.api.post(
            f"{self.notifications_url}/v1/webhooks",
            json=WEBHOOK,
            headers=self.tokens.headers("platform"),
        )
        assert response.status_code == 201, response.text
        webhook_id: str = response.json()["id"]
        return webhook_id

    async def webhook(self) -> str:
        """One webhook for the rotations of every cell, so the platform stays under its
        limit of webhooks."""
        if not self.webhook_id:
            self.webhook_id = await self.new_webhook()
        return self.webhook_id

    async def through_platform(self, code: str = CODE_A) -> str:
        return await self.program.submit(self.round_id, code, CLAIMS["pilot"], via=PLATFORM)

    async def returned(self) -> str:
        application_id = await self.through_platform()
        await self.program.review(application_id, "returned", note="sign the commitment")
        return application_id

    def headers(self, role: Role) -> dict[str, str]:
        return self.tokens.headers(role, credit_code=CODE_A if role == "applicant" else None)


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """No mail server listens in this stack: the world's notification fails each try.
    With the second try an hour away it is never parked while the module runs, so the
    operator's retry meets the rule that only a parked notification is retried (409),
    however long the module takes."""
    return {"NOTIFICATIONS_RETRY_BASE_SECONDS": "3600"}


@pytest.fixture(scope="module")
async def world(stack: Stack, finance: Finance, tokens: Tokens) -> AsyncIterator[World]:
    reader = tokens.headers("auditor")
    async with (
        httpx.AsyncClient(base_url=stack.applications.url, headers=reader, timeout=10) as api,
        httpx.AsyncClient(base_url=stack.notifications.url, headers=reader, timeout=10) as notes,
    ):
        program = Program(api, tokens)
        round_id = await program.open_round(budget=5_000_000)
        application_id = await program.submit(round_id, CODE_A, CLAIMS["pilot"], via=PLATFORM)
        for _ in range(120):  # the notifications service records the submission
            query = {"application_id": application_id}
            listed = (await notes.get("/v1/notifications", params=query)).json()
            if listed:
                break
            await asyncio.sleep(0.25)
        award = f"{finance.payments.url}/v1/awards/{application_id}"
        for _ in range(120):  # the payments service records who applied
            if (await api.get(award)).status_code == 200:
                break
            await asyncio.sleep(0.25)
        yield World(
            program, tokens, round_id, application_id, listed[0]["id"], stack.notifications.url
        )


Request = Callable[[World], Awaitable[tuple[str, Any]]]
WEBHOOK = {"url": "https://platform.qsfund.invalid/events", "event_types": ["ApplicationAwarded"]}


async def _rotation(w: World) -> tuple[str, Any]:
    return f"/v1/webhooks/{await w.webhook()}/rotate", {"grace_seconds": 60}


async def _retirement(w: World) -> tuple[str, Any]:
    return f"/v1/webhooks/{await w.webhook()}/retire", None


async def _deletion(w: World) -> tuple[str, Any]:
    return f"/v1/webhooks/{await w.new_webhook()}", None


async def _new_round(w: World) -> tuple[str, Any]:
    return f"/v1/rounds/{await w.program.open_round(budget=1_000_000)}/close", None


def _amendment(code: str) -> dict[str, Any]:
    body = application("unused", code, CLAIMS["pilot"])
    del body["round_id"]
    return body


async def _returned(w: World) -> tuple[str, Any]:
    return f"/v1/applications/{await w.returned()}/amend", _amendment(CODE_A)


async def _submission(w: World) -> tuple[str, Any]:
    return "/v1/applications", application(w.round_id, CODE_A, CLAIMS["adoption"])


async def _to_review(w: World) -> tuple[str, Any]:
    return f"/v1/applications/{await w.through_platform()}/review", {"decision": "eligible"}


async def _to_withdraw(w: World) -> tuple[str, Any]:
    return f"/v1/applications/{await w.through_platform()}/withdraw", {"reason": "merged"}


async def _load(w: World) -> tuple[str, Any]:
    return "/v1/register/loads", {"load_id": f"matrix-{uuid4().hex[:12]}", "rows": []}


async def _official_list(w: World) -> tuple[str, Any]:
    winner = {
        "kind": "award",
        "source_document": "渝府[2026]1号",
        "award": "district_quality_award",
        "tier": "winner",
        "year": 2026,
        "conferred_on": "2026-03-01",
        "winner": {"name": "矩阵测试有限公司"},
    }
    body = {"list_id": f"matrix-{uuid4().hex[:12]}", "kind": "award_winners", "title": "区质量奖"}
    return "/v1/official-lists", body | {"entries": [winner]}


def _fixed(path: Callable[[World], str], body: Any = None) -> Request:
    async def request(w: World) -> tuple[str, Any]:
        return path(w), body

    return request


PAYEE = {
    "account_name": "Yuzhong Quality Co.",
    "account_number": "310066726018800012345",
    "bank_name": "Bank of Communications, Chongqing Yubei",
    "cnaps_code": "301653000015",
}
ROUND = {
    "name": "Matrix round",
    "year": 2026,
    "opens_at": "2026-01-01T00:00:00Z",
    "closes_at": "2026-12-31T00:00:00Z",
    "period_start": "2025-07-01",
    "period_end": "2026-06-30",
    "budget_yuan": 1_000_000,
}

# One request per endpoint that succeeds for a role the matrix allows; state-changing
# ones get a fresh application or round each time.
REQUESTS: dict[str, dict[Endpoint, tuple[Request, int]]] = {
    "applications": {
        ("POST", "/v1/rounds"): (_fixed(lambda w: "/v1/rounds", ROUND), 201),
        ("GET", "/v1/rounds/{round_id}"): (_fixed(lambda w: f"/v1/rounds/{w.round_id}"), 200),
        ("GET", "/v1/read-log"): (_fixed(lambda w: "/v1/read-log"), 200),
        # A token nobody holds: revoking it refuses no request of this test.
        ("POST", "/v1/revocations"): (
            _fixed(lambda w: "/v1/revocations", {"token_id": "nobody-holds-it", "reason": "test"}),
            201,
        ),
        ("POST", "/v1/rounds/{round_id}/close"): (_new_round, 202),
        ("POST", "/v1/applications"): (_submission, 201),
        # No register is loaded in this stack: allowed roles get past the matrix to 404.
        ("GET", "/v1/register/loads/{load_id}"): (
            _fixed(lambda w: "/v1/register/loads/none-loaded"),
            404,
        ),
        ("GET", "/v1/applications/{application_id}"): (
            _fixed(lambda w: f"/v1/applications/{w.application_id}"),
            200,
        ),
        ("GET", "/v1/applications/{application_id}/history"): (
            _fixed(lambda w: f"/v1/applications/{w.application_id}/history"),
            200,
        ),
        ("GET", "/v1/enterprises/{credit_code}/applications"): (
            _fixed(lambda w: f"/v1/enterprises/{CODE_A}/applications"),
            200,
        ),
        ("POST", "/v1/applications/{application_id}/review"): (_to_review, 202),
        ("POST", "/v1/applications/{application_id}/amend"): (_returned, 202),
        ("POST", "/v1/applications/{application_id}/withdraw"): (_to_withdraw, 202),
        # An open round: the officer gets past the matrix to the rule that only a round
        # whose list was published can be made final (the 202 is in test_publicity.py).
        ("POST", "/v1/rounds/{round_id}/finalise"): (
            _fixed(lambda w: f"/v1/rounds/{w.round_id}/finalise"),
            409,
        ),
        ("GET", "/v1/rounds/{round_id}/objections"): (
            _fixed(lambda w: f"/v1/rounds/{w.round_id}/objections"),
            200,
        ),
        # No such objection: the reviewer gets past the matrix to the 404 of its id.
        ("POST", "/v1/objections/{objection_id}/decision"): (
            _fixed(
                lambda w: "/v1/objections/unknown/decision",
                {"decision": "dismissed", "reasons": "not about this list"},
            ),
            404,
        ),
        ("GET", "/v1/proposals"): (_fixed(lambda w: f"/v1/proposals?round_id={w.round_id}"), 200),
        # No list was matched in this stack: the roles allowed get past the matrix to the
        # 404 of the proposal's id (the 200s and 201s are in
        # tests/integration/test_proposals.py).
        ("GET", "/v1/proposals/{proposal_id}"): (_fixed(lambda w: "/v1/proposals/unknown"), 404),
        ("POST", "/v1/proposals/{proposal_id}/confirm"): (
            _fixed(
                lambda w: "/v1/proposals/unknown/confirm",
                {
                    "contact": {"email": "office@yuzhong-quality.example.cn"},
                    "commitment": {"name": "commitment.pdf", "size_bytes": 1, "sha256": "7" * 64},
                },
            ),
            404,
        ),
        ("POST", "/v1/proposals/{proposal_id}/decline"): (
            _fixed(lambda w: "/v1/proposals/unknown/decline", {"reason": "not ours"}),
            404,
        ),
    },
    "notifications": {
        ("GET", "/v1/notifications"): (
            _fixed(lambda w: f"/v1/notifications?application_id={w.application_id}"),
            200,
        ),
        ("GET", "/v1/notifications/dead-letters"): (
            _fixed(lambda w: "/v1/notifications/dead-letters"),
            200,
        ),
        ("GET", "/v1/notifications/{notification_id}/attempts"): (
            _fixed(lambda w: f"/v1/notifications/{w.notification_id}/attempts"),
            200,
        ),
        # Nothing is parked in this stack: the operator gets past the matrix to the
        # rule that only a parked notification is retried (the 200 is in
        # tests/integration/test_notification_delivery.py).
        ("POST", "/v1/notifications/{notification_id}/retry"): (
            _fixed(lambda w: f"/v1/notifications/{w.notification_id}/retry"),
            409,
        ),
        ("POST", "/v1/webhooks"): (_fixed(lambda w: "/v1/webhooks", WEBHOOK), 201),
        ("GET", "/v1/webhooks"): (_fixed(lambda w: "/v1/webhooks"), 200),
        ("GET", "/v1/read-log"): (_fixed(lambda w: "/v1/read-log"), 200),
        ("POST", "/v1/webhooks/{webhook_id}/rotate"): (_rotation, 201),
        ("POST", "/v1/webhooks/{webhook_id}/retire"): (_retirement, 200),
        ("DELETE", "/v1/webhooks/{webhook_id}"): (_deletion, 204),
    },
    # The world's application is filed, not awarded: the roles allowed get past the
    # matrix to the rule that only an award, or a final one, is paid or revoked (the
    # 200s are in tests/e2e/test_payments.py).
    "payments": {
        ("GET", "/v1/read-log"): (_fixed(lambda w: "/v1/read-log"), 200),
        ("GET", "/v1/awards/{application_id}"): (
            _fixed(lambda w: f"/v1/awards/{w.application_id}"),
            200,
        ),
        ("PUT", "/v1/awards/{application_id}/payee"): (
            _fixed(lambda w: f"/v1/awards/{w.application_id}/payee", PAYEE),
            409,
        ),
        ("POST", "/v1/awards/{application_id}/milestones"): (
            _fixed(
                lambda w: f"/v1/awards/{w.application_id}/milestones",
                {"milestone": "acceptance", "document_reference": "report 1"},
            ),
            409,
        ),
        ("POST", "/v1/awards/{application_id}/revoke"): (
            _fixed(
                lambda w: f"/v1/awards/{w.application_id}/revoke",
                {"reason": "duplicate_funding", "document_reference": "decision 1"},
            ),
            409,
        ),
        ("POST", "/v1/awards/{application_id}/repayments"): (
            _fixed(
                lambda w: f"/v1/awards/{w.application_id}/repayments",
                {"amount_yuan": 1, "reference": "receipt 1"},
            ),
            409,
        ),
        ("GET", "/v1/rounds/{round_id}/payments"): (
            _fixed(lambda w: f"/v1/rounds/{w.round_id}/payments"),
            200,
        ),
        ("GET", "/v1/bureau-calls"): (_fixed(lambda w: "/v1/bureau-calls"), 200),
        # Nothing is owed to the bureau here: the operator gets past the matrix to the 404.
        ("POST", "/v1/bureau-calls/{instruction_id}/reconcile"): (
            _fixed(lambda w: "/v1/bureau-calls/unknown-t1-a1/reconcile"),
            404,
        ),
    },
    # A round the reports service has not read answers 404 past the matrix; a year 200.
    "reports": {
        ("GET", "/v1/reports/rounds/{round_id}"): (
            _fixed(lambda w: "/v1/reports/rounds/no-such-round"),
            404,
        ),
        ("GET", "/v1/reports/years/{year}"): (_fixed(lambda w: "/v1/reports/years/2026"), 200),
        ("GET", "/v1/reports/rounds/{round_id}/report.html"): (
            _fixed(lambda w: "/v1/reports/rounds/no-such-round/report.html"),
            404,
        ),
        ("GET", "/v1/reports/years/{year}/report.html"): (
            _fixed(lambda w: "/v1/reports/years/2026/report.html"),
            200,
        ),
    },
    # A load of no rows: the platform's answer, and nothing for any copy of the register.
    # A list of one award whose winner the (empty) register lacks; a list never submitted
    # answers 404 past the matrix.
    "register": {
        ("POST", "/v1/register/loads"): (_load, 200),
        ("GET", "/v1/register/enterprises/{credit_code}"): (
            _fixed(lambda w: f"/v1/register/enterprises/{CODE_A}"),
            404,
        ),
        ("POST", "/v1/official-lists"): (_official_list, 200),
        ("GET", "/v1/official-lists/{list_id}"): (
            _fixed(lambda w: "/v1/official-lists/no-such-list"),
            404,
        ),
        ("GET", "/v1/official-lists/{list_id}/units"): (
            _fixed(lambda w: "/v1/official-lists/no-such-list/units?state=ambiguous"),
            404,
        ),
        ("POST", "/v1/official-lists/{list_id}/entries/{entry}/units/{unit}/resolve"): (
            _fixed(
                lambda w: "/v1/official-lists/no-such-list/entries/1/units/0/resolve",
                {"credit_code": None, "note": "not in the district"},
            ),
            404,
        ),
    },
}

CELLS = [
    pytest.param(service, endpoint, role, id=f"{service}:{endpoint[0]} {endpoint[1]}:{role}")
    for service, access in ACCESS.items()
    for endpoint in access.rows
    for role in ROLES
]


def test_every_endpoint_of_the_matrix_has_a_request_here() -> None:
    assert {s: set(rows) for s, rows in REQUESTS.items()} == {
        s: set(access.rows) for s, access in ACCESS.items() if access.rows
    }


@pytest.mark.parametrize(("service", "endpoint", "role"), CELLS)
async def test_each_role_gets_what_the_matrix_says(
    world: World,
    stack: Stack,
    finance: Finance,
    reports: ServiceProcess,
    register_apart: ServiceProcess,
    service: str,
    endpoint: Endpoint,
    role: Role,
) -> None:
    make, success = REQUESTS[service][endpoint]
    path, body = await make(world)
    serving = {
        "payments": finance.payments,
        "reports": reports,
        "register": register_apart,
    }.get(service) or getattr(stack, service)
    url = serving.url + path
    response = await world.program.api.request(
        endpoint[0], url, json=body, headers=world.headers(role)
    )
    if role in ACCESS[service].rows[endpoint]:
        assert response.status_code == success, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["errors"][0]["rule"] == "role_not_allowed"


async def test_an_applicant_sees_and_touches_only_its_own_enterprises_applications(
    world: World,
) -> None:
    api, tokens, theirs = world.program.api, world.tokens, world.application_id
    b = tokens.applicant(CODE_B)
    for method, path, body in [
        ("GET", f"/v1/applications/{theirs}", None),
        ("GET", f"/v1/applications/{theirs}/history", None),
        ("POST", f"/v1/applications/{theirs}/withdraw", {"reason": "not mine"}),
        ("POST", f"/v1/applications/{theirs}/amend", _amendment(CODE_B)),
    ]:
        # 404, as for an id that does not exist: the answer tells B nothing of A.
        response = await api.request(method, path, json=body, headers=b)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["errors"][0]["rule"] == "exists"
    listed = await api.get(f"/v1/enterprises/{CODE_A}/applications", headers=b)
    assert (listed.status_code, listed.json()) == (200, [])

    a = tokens.applicant(CODE_A)
    for_b = application(world.round_id, CODE_B, CLAIMS["adoption"])
    refused = await api.post("/v1/applications", json=for_b, headers=a)
    assert (refused.status_code, refused.json()["errors"][0]["rule"]) == (403, "own_enterprise")
    returned = await world.returned()
    moved = await api.post(f"/v1/applications/{returned}/amend", json=_amendment(CODE_B), headers=a)
    assert (moved.status_code, moved.json()["errors"][0]["rule"]) == (403, "own_enterprise")
    assert (await world.program.status(returned))["credit_code"] == CODE_A


async def test_a_platform_sees_only_what_came_through_it(world: World) -> None:
    api, tokens = world.program.api, world.tokens
    other = tokens.headers("platform", sub=OTHER_PLATFORM)
    response = await api.get(f"/v1/applications/{world.application_id}", headers=other)
    assert (response.status_code, response.json()["errors"][0]["rule"]) == (404, "exists")
    listed = await api.get(f"/v1/enterprises/{CODE_A}/applications", headers=other)
    assert listed.json() == []

    direct = await world.program.submit(world.round_id, CODE_C, CLAIMS["adoption"])
    mine = tokens.headers("platform")
    assert (await api.get(f"/v1/applications/{direct}", headers=mine)).status_code == 404
    own = (await api.get(f"/v1/enterprises/{CODE_A}/applications", headers=mine)).json()
    assert world.application_id in {view["id"] for view in own}
    assert {view["submitted_via"] for view in own} == {PLATFORM}


async def test_events_name_the_tokens_subject_and_role(world: World) -> None:
    direct = await world.program.submit(world.round_id, CODE_C, CLAIMS["national_standard"])
    await world.program.review(direct, "eligible")
    history = (await world.program.api.get(f"/v1/applications/{direct}/history")).json()
    assert [(h["actor_id"], h["actor_role"]) for h in history[:2]] == [
        (f"applicant-{CODE_C}", "applicant"),
        ("reviewer-wang", "reviewer"),
    ]
    via = (await world.program.api.get(f"/v1/applications/{world.application_id}/history")).json()
    assert (via[0]["actor_id"], via[0]["actor_role"]) == (PLATFORM, "platform")
    assert (await world.program.status(world.application_id))["submitted_via"] == PLATFORM
    assert (await world.program.status(direct))["submitted_via"] is None
