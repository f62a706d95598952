"""Who may call what: every endpoint of every service against every role, in one table.

`shared.auth.http.authorize` looks each request's route up here and refuses a route that
has no row (deny by default); tests/unit/test_authorization_matrix.py fails when any
service has a route without one. A row says which roles may call an endpoint at all.
Applicants and platforms (SCOPED) are further limited to their own applications by each
service's queries and handlers: an applicant to its enterprise's, a platform to what it
submitted.
"""

from __future__ import annotations

from .principal import Role

APPLICANT: Role = "applicant"
PLATFORM: Role = "platform"
REVIEWER: Role = "reviewer"
OFFICER: Role = "program_officer"
AUDITOR: Role = "auditor"
OPERATOR: Role = "operator"

SCOPED: frozenset[Role] = frozenset({APPLICANT, PLATFORM})

Endpoint = tuple[str, str]  # (method, path template as FastAPI spells it)
Rows = dict[Endpoint, frozenset[Role]]

# Probes and scrapers carry no token: they reveal no applicant data, and an orchestrator
# must reach them before any issuer is configured.
# A round's published list and objections to it are public by nature (公示): anyone may
# read the list and object, by name, without an account.
PUBLIC: frozenset[Endpoint] = frozenset(
    {
        ("GET", "/health"),
        ("GET", "/ready"),
        ("GET", "/metrics"),
        ("GET", "/v1/public/rounds/{round_id}/list"),
        ("GET", "/v1/public/rounds/{round_id}/list.html"),
        ("POST", "/v1/public/rounds/{round_id}/objections"),
        # The finance bureau's outcome callbacks carry its signature instead of a token:
        # the route refuses anything not signed under the bureau's secret.
        ("POST", "/v1/finance/callbacks"),
    }
)


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


_READERS = _roles(APPLICANT, PLATFORM, REVIEWER, OFFICER, AUDITOR)

MATRIX: dict[str, Rows] = {
    "applications": {
        ("POST", "/v1/rounds"): _roles(OFFICER),
        ("GET", "/v1/rounds/{round_id}"): _READERS,
        ("POST", "/v1/rounds/{round_id}/close"): _roles(OFFICER),
        ("POST", "/v1/rounds/{round_id}/finalise"): _roles(OFFICER),
        # An objector's identity is for those who decide and check, never the applicant.
        ("GET", "/v1/rounds/{round_id}/objections"): _roles(REVIEWER, OFFICER, AUDITOR),
        ("POST", "/v1/objections/{objection_id}/decision"): _roles(REVIEWER),
        ("POST", "/v1/applications"): _roles(APPLICANT, PLATFORM),
        ("GET", "/v1/applications/{application_id}"): _READERS,
        ("GET", "/v1/applications/{application_id}/history"): _READERS,
        ("GET", "/v1/enterprises/{credit_code}/applications"): _READERS,
        ("POST", "/v1/applications/{application_id}/review"): _roles(REVIEWER),
        ("POST", "/v1/applications/{application_id}/amend"): _roles(APPLICANT, PLATFORM),
        ("POST", "/v1/applications/{application_id}/withdraw"): _roles(APPLICANT, PLATFORM),
    },
    # Scoring answers only probes: it takes its work from the topics.
    "scoring": {},
    # The enterprise registers the account its award is paid into; the program office
    # records milestones, revokes and records repayments; the auditor reads.
    "payments": {
        ("GET", "/v1/awards/{application_id}"): _roles(APPLICANT, PLATFORM, OFFICER, AUDITOR),
        ("PUT", "/v1/awards/{application_id}/payee"): _roles(APPLICANT, PLATFORM),
        ("POST", "/v1/awards/{application_id}/milestones"): _roles(OFFICER),
        ("POST", "/v1/awards/{application_id}/revoke"): _roles(OFFICER),
        ("POST", "/v1/awards/{application_id}/repayments"): _roles(OFFICER),
        ("GET", "/v1/rounds/{round_id}/payments"): _roles(OFFICER, AUDITOR),
        # Calls to the bureau that need a person: the operator reconciles them.
        ("GET", "/v1/bureau-calls"): _roles(OPERATOR, AUDITOR),
        ("POST", "/v1/bureau-calls/{instruction_id}/reconcile"): _roles(OPERATOR),
    },
    # The office's figures: for those who run the program and those who check it.
    "reports": {
        ("GET", "/v1/reports/rounds/{round_id}"): _roles(OFFICER, AUDITOR),
        ("GET", "/v1/reports/years/{year}"): _roles(OFFICER, AUDITOR),
        ("GET", "/v1/reports/rounds/{round_id}/report.html"): _roles(OFFICER, AUDITOR),
        ("GET", "/v1/reports/years/{year}/report.html"): _roles(OFFICER, AUDITOR),
    },
    "notifications": {
        # The officer answers "was the applicant told?"; the operator sees deliveries,
        # not what was said to whom about which application.
        ("GET", "/v1/notifications"): _roles(OFFICER, AUDITOR),
        ("GET", "/v1/notifications/dead-letters"): _roles(AUDITOR, OPERATOR),
        ("GET", "/v1/notifications/{notification_id}/attempts"): _roles(AUDITOR, OPERATOR),
        ("POST", "/v1/notifications/{notification_id}/retry"): _roles(OPERATOR),
        # A platform manages its own webhooks only (the routes scope by its subject).
        ("POST", "/v1/webhooks"): _roles(PLATFORM),
        ("GET", "/v1/webhooks"): _roles(PLATFORM),
        ("POST", "/v1/webhooks/{webhook_id}/rotate"): _roles(PLATFORM),
        ("POST", "/v1/webhooks/{webhook_id}/retire"): _roles(PLATFORM),
        ("DELETE", "/v1/webhooks/{webhook_id}"): _roles(PLATFORM),
    },
}


def allowed_roles(service: str, method: str, path: str) -> frozenset[Role] | None:
    """The roles that may call this endpoint; None when it has no row (refuse)."""
    return MATRIX.get(service, {}).get((method, path))


def is_public(method: str, path: str) -> bool:
    return (method, path) in PUBLIC
