"""Who may call what: the roles, and each service's table of its endpoints against them.

Each service declares its own `Access` (its routes and the roles that may call each, and
its public routes) and hands it to `shared.auth.http.install_auth`, which looks each
request's route up in it and refuses a route that has no row (deny by default); the
tests/unit/test_authorization_matrix.py fails when any service has a route without one.
A row says which roles may call an endpoint at all. Applicants and platforms (SCOPED)
are further limited to their own applications by each service's queries and handlers:
an applicant to its enterprise's, a platform to what it submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .principal import Role

APPLICANT: Role = "applicant"
PLATFORM: Role = "platform"
REVIEWER: Role = "reviewer"
OFFICER: Role = "program_officer"
AUDITOR: Role = "auditor"
OPERATOR: Role = "operator"

SCOPED: frozenset[Role] = frozenset({APPLICANT, PLATFORM})

Endpoint = tuple[str, str]  # (method, path template as FastAPI spells it)
Rows = Mapping[Endpoint, frozenset[Role]]

# Probes and scrapers carry no token: they reveal no applicant data, and an orchestrator
# must reach them before any issuer is configured.
PROBES: frozenset[Endpoint] = frozenset(
    {("GET", "/health"), ("GET", "/ready"), ("GET", "/metrics")}
)


def roles(*allowed: Role) -> frozenset[Role]:
    return frozenset(allowed)


READERS = roles(APPLICANT, PLATFORM, REVIEWER, OFFICER, AUDITOR)


@dataclass(frozen=True)
class Access:
    """One service's endpoints and who may call each; `public` ones take no token."""

    rows: Rows
    public: frozenset[Endpoint] = frozenset()

    def allowed_roles(self, method: str, path: str) -> frozenset[Role] | None:
        """The roles that may call this endpoint; None when it has no row (refuse)."""
        return self.rows.get((method, path))

    def is_public(self, method: str, path: str) -> bool:
        return (method, path) in PROBES or (method, path) in self.public
