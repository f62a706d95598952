"""Who may call the payments service's endpoints (shared.auth.matrix explains)."""

from __future__ import annotations

from shared.auth.matrix import (
    APPLICANT,
    AUDITOR,
    OFFICER,
    OPERATOR,
    PLATFORM,
    Access,
    roles,
)

ACCESS = Access(
    # The enterprise registers the account its award is paid into; the program office
    # records milestones, revokes and records repayments; the auditor reads.
    rows={
        # Who read which confidential fields: for auditors (shared/read_log.py).
        ("GET", "/v1/read-log"): roles(AUDITOR),
        ("GET", "/v1/awards/{application_id}"): roles(APPLICANT, PLATFORM, OFFICER, AUDITOR),
        ("PUT", "/v1/awards/{application_id}/payee"): roles(APPLICANT, PLATFORM),
        ("POST", "/v1/awards/{application_id}/milestones"): roles(OFFICER),
        ("POST", "/v1/awards/{application_id}/revoke"): roles(OFFICER),
        ("POST", "/v1/awards/{application_id}/repayments"): roles(OFFICER),
        ("GET", "/v1/rounds/{round_id}/payments"): roles(OFFICER, AUDITOR),
        # Calls to the bureau that need a person: the operator reconciles them.
        ("GET", "/v1/bureau-calls"): roles(OPERATOR, AUDITOR),
        ("POST", "/v1/bureau-calls/{instruction_id}/reconcile"): roles(OPERATOR),
    },
    # The finance bureau's outcome callbacks carry its signature instead of a token: the
    # route refuses anything not signed under the bureau's secret.
    public=frozenset({("POST", "/v1/finance/callbacks")}),
)
