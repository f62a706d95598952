"""The OpenAPI documents as a platform's generated client reads them: every operation
has a stable, readable id and one of the API's tags."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.support.apps import (
    applications_app,
    notifications_app,
    payments_app,
    register_app,
    reports_app,
)
from tests.support.tokens import Tokens

TAGS = {
    "rounds",
    "applications",
    "review",
    "publicity",
    "notifications",
    "webhooks",
    "payments",
    "finance",
    "reports",
    "register",
    "read-log",
    "revocations",
    "proposals",
    "lists",
}
# Each id becomes a client's function name: a change here breaks platforms' code.
OPERATIONS = {
    "applications": {
        ("POST", "/v1/rounds"): ("createRound", "rounds"),
        ("GET", "/v1/rounds/{round_id}"): ("getRound", "rounds"),
        ("POST", "/v1/rounds/{round_id}/close"): ("closeRound", "rounds"),
        ("POST", "/v1/applications"): ("submitApplication", "applications"),
        ("GET", "/v1/register/loads/{load_id}"): ("getRegisterLoad", "applications"),
        ("GET", "/v1/applications/{application_id}"): ("getApplication", "applications"),
        ("GET", "/v1/applications/{application_id}/history"): (
            "getApplicationHistory",
            "applications",
        ),
        ("GET", "/v1/enterprises/{credit_code}/applications"): (
            "getEnterpriseApplications",
            "applications",
        ),
        ("POST", "/v1/applications/{application_id}/review"): ("reviewApplication", "review"),
        ("POST", "/v1/applications/{application_id}/amend"): ("amendApplication", "applications"),
        ("POST", "/v1/applications/{application_id}/withdraw"): (
            "withdrawApplication",
            "applications",
        ),
        ("GET", "/v1/public/rounds/{round_id}/list"): ("getPublishedList", "publicity"),
        ("GET", "/v1/public/rounds/{round_id}/list.html"): ("getPublishedListPage", "publicity"),
        ("POST", "/v1/public/rounds/{round_id}/objections"): ("lodgeObjection", "publicity"),
        ("GET", "/v1/rounds/{round_id}/objections"): ("getObjections", "publicity"),
        ("POST", "/v1/objections/{objection_id}/decision"): ("decideObjection", "publicity"),
        ("POST", "/v1/rounds/{round_id}/finalise"): ("finaliseRound", "rounds"),
        ("GET", "/v1/read-log"): ("listReads", "read-log"),
        ("POST", "/v1/revocations"): ("revokeTokens", "revocations"),
        ("GET", "/v1/proposals"): ("listProposals", "proposals"),
        ("GET", "/v1/proposals/{proposal_id}"): ("getProposal", "proposals"),
        ("POST", "/v1/proposals/{proposal_id}/confirm"): ("confirmProposal", "proposals"),
        ("POST", "/v1/proposals/{proposal_id}/decline"): ("declineProposal", "proposals"),
    },
    "notifications": {
        ("GET", "/v1/notifications"): ("listNotifications", "notifications"),
        ("GET", "/v1/notifications/dead-letters"): ("listDeadLetters", "notifications"),
        ("GET", "/v1/notifications/{notification_id}/attempts"): (
            "listNotificationAttempts",
            "notifications",
        ),
        ("POST", "/v1/notifications/{notification_id}/retry"): (
            "retryNotification",
            "notifications",
        ),
        ("POST", "/v1/webhooks"): ("registerWebhook", "webhooks"),
        ("GET", "/v1/webhooks"): ("listWebhooks", "webhooks"),
        ("POST", "/v1/webhooks/{webhook_id}/rotate"): ("rotateWebhookSecret", "webhooks"),
        ("POST", "/v1/webhooks/{webhook_id}/retire"): ("retireWebhookSecrets", "webhooks"),
        ("DELETE", "/v1/webhooks/{webhook_id}"): ("deleteWebhook", "webhooks"),
        ("GET", "/v1/read-log"): ("listReads", "read-log"),
    },
    "payments": {
        ("GET", "/v1/awards/{application_id}"): ("getAward", "payments"),
        ("PUT", "/v1/awards/{application_id}/payee"): ("registerPayee", "payments"),
        ("POST", "/v1/awards/{application_id}/milestones"): ("reachMilestone", "payments"),
        ("POST", "/v1/awards/{application_id}/revoke"): ("revokeAward", "payments"),
        ("POST", "/v1/awards/{application_id}/repayments"): ("recordRepayment", "payments"),
        ("GET", "/v1/rounds/{round_id}/payments"): ("getRoundPayments", "payments"),
        ("POST", "/v1/finance/callbacks"): ("financeCallback", "finance"),
        ("GET", "/v1/bureau-calls"): ("listParkedBureauCalls", "payments"),
        ("POST", "/v1/bureau-calls/{instruction_id}/reconcile"): (
            "reconcileBureauCall",
            "payments",
        ),
        ("GET", "/v1/read-log"): ("listReads", "read-log"),
    },
    "reports": {
        ("GET", "/v1/reports/rounds/{round_id}"): ("getRoundReport", "reports"),
        ("GET", "/v1/reports/years/{year}"): ("getYearReport", "reports"),
        ("GET", "/v1/reports/rounds/{round_id}/report.html"): ("getRoundReportPage", "reports"),
        ("GET", "/v1/reports/years/{year}/report.html"): ("getYearReportPage", "reports"),
    },
    "register": {
        ("POST", "/v1/register/loads"): ("loadRegister", "register"),
        ("GET", "/v1/register/enterprises/{credit_code}"): ("getEnterprise", "register"),
        ("GET", "/v1/register/industries"): ("listIndustries", "register"),
        ("POST", "/v1/official-lists"): ("submitOfficialList", "lists"),
        ("GET", "/v1/official-lists/{list_id}"): ("getOfficialList", "lists"),
        ("GET", "/v1/official-lists/{list_id}/units"): ("listOfficialListUnits", "lists"),
        ("POST", "/v1/official-lists/{list_id}/entries/{entry}/units/{unit}/resolve"): (
            "resolveOfficialListUnit",
            "lists",
        ),
    },
}


def operations(app: FastAPI) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    }


BUILDERS = {
    "applications": applications_app,
    "notifications": notifications_app,
    "payments": payments_app,
    "reports": reports_app,
    "register": register_app,
}


@pytest.fixture(params=sorted(BUILDERS))
def api(request: pytest.FixtureRequest, tokens: Tokens) -> tuple[str, FastAPI]:
    return request.param, BUILDERS[request.param](tokens)


def test_every_operation_has_one_of_the_apis_tags_and_a_unique_readable_id(
    api: tuple[str, FastAPI],
) -> None:
    _, app = api
    found = operations(app)
    ids = [operation["operationId"] for operation in found.values()]
    assert len(set(ids)) == len(ids)
    for (method, path), operation in found.items():
        assert operation["operationId"].isalnum(), (method, path, operation["operationId"])
        assert len(operation["tags"]) == 1, (method, path)
        assert set(operation["tags"]) <= TAGS, (method, path, operation["tags"])


def test_the_operation_ids_are_the_published_ones(api: tuple[str, FastAPI]) -> None:
    name, app = api
    published = {
        key: (operation["operationId"], operation["tags"][0])
        for key, operation in operations(app).items()
    }
    # Operations added since are checked above; these must not change.
    assert {key: published.get(key) for key in OPERATIONS[name]} == OPERATIONS[name]


def test_links_lead_to_operations_and_parameters_that_exist(api: tuple[str, FastAPI]) -> None:
    name, app = api
    found = operations(app)
    by_id = {operation["operationId"]: operation for operation in found.values()}
    links = [
        (source["operationId"], status, target)
        for source in found.values()
        for status, response in source["responses"].items()
        for target in response.get("links", {}).values()
    ]
    # The register's answers name no single thing another operation takes: no links.
    assert len(links) >= {"applications": 10, "register": 0}.get(name, 8)
    for source, status, target in links:
        assert status.startswith("2"), (source, status)
        operation = by_id[target["operationId"]]
        declared = {p["name"] for p in operation.get("parameters", [])}
        assert set(target["parameters"]) <= declared, (source, target)
        if "requestBody" in target:
            assert "requestBody" in operation, (source, target)


def test_every_operation_documents_the_refusals_of_its_app_wide_checks(
    api: tuple[str, FastAPI],
) -> None:
    """Every route is under the rate limit: its 429 says when to retry and what the body
    holds. Every route that takes a token says it may answer 401 (with the challenge)
    and 403; a public one, which takes none, does not claim to."""
    _, app = api
    access = app.state.authorization.access
    for (method, path), operation in operations(app).items():
        responses = {
            status: resolved(app, response) for status, response in operation["responses"].items()
        }
        too_many = responses.get("429")
        assert too_many is not None, (method, path)
        assert too_many["headers"]["Retry-After"]["schema"]["type"] == "integer", (method, path)
        body = too_many["content"]["application/problem+json"]["schema"]
        assert body["required"] == ["title", "status", "errors"], (method, path)
        assert body["properties"]["errors"]["items"]["required"] == ["field", "rule", "message"]
        if access.is_public(method, path):
            # (The finance bureau's callback has a 401 of its own: a bad signature.)
            assert "403" not in responses, (method, path)
            assert "headers" not in responses.get("401", {}), (method, path)
        else:
            assert {"401", "403"} <= set(responses), (method, path)
            assert "WWW-Authenticate" in responses["401"]["headers"], (method, path)


def resolved(app: FastAPI, response: dict[str, Any]) -> dict[str, Any]:
    """A response as a client reads it: a `$ref` to components/responses followed."""
    reference = response.get("$ref")
    if reference is None:
        return response
    prefix = "#/components/responses/"
    assert reference.startswith(prefix), reference
    found: dict[str, Any] = app.openapi()["components"]["responses"][reference.removeprefix(prefix)]
    return found


def test_each_app_wide_refusal_is_written_once_and_referred_to(api: tuple[str, FastAPI]) -> None:
    """Written out in every operation, the 401, 403, 429 and 503 made up most of each
    document: each is one component, and every operation refers to it."""
    _, app = api
    shared = app.openapi()["components"]["responses"]
    assert {"TooManyRequests", "Unauthorized", "Forbidden", "ServiceUnavailable"} <= set(shared)
    for (method, path), operation in operations(app).items():
        assert operation["responses"]["429"] == {
            "$ref": "#/components/responses/TooManyRequests"
        }, (method, path)
        referred = {r.get("$ref") for r in operation["responses"].values()} - {None}
        assert referred <= {f"#/components/responses/{name}" for name in shared}, (method, path)


def test_two_different_answers_of_one_status_keep_their_own_components() -> None:
    from shared.http.openapi import install_responses

    app = FastAPI()

    @app.get("/a")
    async def read_a() -> None: ...

    @app.get("/b")
    async def read_b() -> None: ...

    busy = {"description": "busy"}
    install_responses(app, lambda method, path: {"503": busy})
    install_responses(
        app, lambda method, path: {"503": {"description": "down"}} if path == "/b" else {}
    )
    document = app.openapi()
    assert document["components"]["responses"] == {
        "ServiceUnavailable": busy,
        "ServiceUnavailable2": {"description": "down"},
    }
    refs = {path: item["get"]["responses"]["503"] for path, item in document["paths"].items()}
    assert refs == {
        "/a": {"$ref": "#/components/responses/ServiceUnavailable"},
        "/b": {"$ref": "#/components/responses/ServiceUnavailable2"},
    }
