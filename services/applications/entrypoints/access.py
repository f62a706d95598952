"""Who may call the applications service's endpoints (shared.auth.matrix explains)."""

from __future__ import annotations

from shared.auth.matrix import (
    APPLICANT,
    AUDITOR,
    OFFICER,
    OPERATOR,
    PLATFORM,
    READERS,
    REVIEWER,
    Access,
    roles,
)

ACCESS = Access(
    rows={
        # Who read which confidential fields: for auditors (shared/read_log.py).
        ("GET", "/v1/read-log"): roles(AUDITOR),
        # Tokens revoked before their expiry (shared/auth/revocation.py): operators, and
        # the issuer with an operator token of its own.
        ("POST", "/v1/revocations"): roles(OPERATOR),
        ("POST", "/v1/rounds"): roles(OFFICER),
        ("GET", "/v1/rounds/{round_id}"): READERS,
        ("POST", "/v1/rounds/{round_id}/close"): roles(OFFICER),
        ("POST", "/v1/rounds/{round_id}/finalise"): roles(OFFICER),
        # An objector's identity is for those who decide and check, never the applicant.
        ("GET", "/v1/rounds/{round_id}/objections"): roles(REVIEWER, OFFICER, AUDITOR),
        ("POST", "/v1/objections/{objection_id}/decision"): roles(REVIEWER),
        ("POST", "/v1/applications"): roles(APPLICANT, PLATFORM),
        # Whether intake holds filings to a register load yet (its copy has read it).
        ("GET", "/v1/register/loads/{load_id}"): roles(PLATFORM, REVIEWER, OFFICER, AUDITOR),
        ("GET", "/v1/applications/{application_id}"): READERS,
        ("GET", "/v1/applications/{application_id}/history"): READERS,
        ("GET", "/v1/enterprises/{credit_code}/applications"): READERS,
        ("POST", "/v1/applications/{application_id}/review"): roles(REVIEWER),
        ("POST", "/v1/applications/{application_id}/amend"): roles(APPLICANT, PLATFORM),
        ("POST", "/v1/applications/{application_id}/withdraw"): roles(APPLICANT, PLATFORM),
        # Proposals from official lists: an applicant its own enterprise's (queries and
        # the service scope it), a platform any enterprise's it serves.
        ("GET", "/v1/proposals"): READERS,
        ("GET", "/v1/proposals/{proposal_id}"): READERS,
        ("POST", "/v1/proposals/{proposal_id}/confirm"): roles(APPLICANT, PLATFORM),
        ("POST", "/v1/proposals/{proposal_id}/decline"): roles(APPLICANT, PLATFORM),
    },
    # A round's published list and objections to it are public by nature (公示): anyone
    # may read the list and object, by name, without an account.
    public=frozenset(
        {
            ("GET", "/v1/public/rounds/{round_id}/list"),
            ("GET", "/v1/public/rounds/{round_id}/list.html"),
            ("POST", "/v1/public/rounds/{round_id}/objections"),
        }
    ),
)
