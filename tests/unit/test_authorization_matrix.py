"""The authorization matrix covers every route of every service, exactly: a new endpoint
without a row fails here, and so does a row left behind by a removed endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route

from services.applications.bootstrap import ApplicationsSettings
from services.applications.bootstrap import build_app as applications_app
from services.notifications.bootstrap import NotificationsSettings
from services.notifications.bootstrap import build_app as notifications_app
from services.payments.bootstrap import PaymentsSettings
from services.payments.bootstrap import build_app as payments_app
from services.reports.bootstrap import ReportsSettings
from services.reports.bootstrap import build_app as reports_app
from services.scoring.bootstrap import ScoringSettings
from services.scoring.bootstrap import build_app as scoring_app
from shared.auth import matrix
from shared.auth.http import authorize
from shared.auth.principal import ROLES
from tests.support.access import ACCESS

APPS: dict[str, Callable[[], FastAPI]] = {
    "applications": lambda: applications_app(ApplicationsSettings()),
    "scoring": lambda: scoring_app(ScoringSettings()),
    "notifications": lambda: notifications_app(NotificationsSettings()),
    "payments": lambda: payments_app(PaymentsSettings()),
    "reports": lambda: reports_app(ReportsSettings()),
}
# FastAPI's own pages: the API's description, readable by anyone who may call it.
DOCUMENTATION = {"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}


def routes(app: FastAPI) -> Iterator[tuple[str, BaseRoute, set[Any]]]:
    """Every route with its full path and the dependencies it runs, through included
    routers (FastAPI keeps those as branches, not copies)."""

    def walk(
        found: list[BaseRoute], prefix: str, inherited: set[Any]
    ) -> Iterator[tuple[str, BaseRoute, set[Any]]]:
        for route in found:
            context = getattr(route, "include_context", None)
            if context is not None:
                calls = inherited | {d.dependency for d in context.dependencies}
                branch = getattr(route, "original_router")  # noqa: B009 (FastAPI's own)
                yield from walk(branch.routes, prefix + context.prefix, calls)
            elif isinstance(route, APIRoute):
                calls = inherited | {d.call for d in route.dependant.dependencies}
                yield prefix + route.path_format, route, calls
            else:
                yield prefix + getattr(route, "path", ""), route, inherited

    yield from walk(app.routes, "", {d.dependency for d in app.router.dependencies})


def endpoints(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, route, _ in routes(app)
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }


@pytest.mark.parametrize("service", APPS)
def test_every_endpoint_has_a_row_and_every_row_an_endpoint(service: str) -> None:
    found = endpoints(APPS[service]())
    assert ("GET", "/health") in found, "the walk found the routes"
    access = ACCESS[service]
    unlisted = {e for e in found if not access.is_public(*e)} - set(access.rows)
    assert not unlisted, f"{service}: add these to its Access: {sorted(unlisted)}"
    stale = (set(access.rows) | access.public) - found
    assert not stale, f"{service}: rows without an endpoint: {sorted(stale)}"


@pytest.mark.parametrize("service", APPS)
def test_every_route_goes_through_authorize(service: str) -> None:
    for path, route, calls in routes(APPS[service]()):
        if isinstance(route, APIRoute):
            assert authorize in calls, f"{service}: {path} skips shared.auth.http.authorize"
            # authorize looks the route up by its own template: a prefix added when
            # including its router would miss its row (and be refused, not let through).
            assert path == route.path_format, f"{service}: put {path}'s prefix on its router"
        else:
            assert isinstance(route, Route), f"{service}: {route!r} is not an API route"
            assert path in DOCUMENTATION, f"{service}: {path} skips authorize"


def test_the_matrix_names_only_known_roles_and_scopes_only_applicants_and_platforms() -> None:
    for access in ACCESS.values():
        for endpoint, roles in access.rows.items():
            assert roles <= set(ROLES), endpoint
    assert {"applicant", "platform"} == matrix.SCOPED


def test_auditors_change_nothing_and_operators_see_no_application() -> None:
    for access in ACCESS.values():
        for (method, path), roles in access.rows.items():
            if method != "GET":
                assert "auditor" not in roles, path
            if "{application_id}" in path or path.endswith("/applications"):
                assert "operator" not in roles, path
