"""Who may call the notifications service's endpoints (shared.auth.matrix explains)."""

from __future__ import annotations

from shared.auth.matrix import AUDITOR, OFFICER, OPERATOR, PLATFORM, Access, roles

ACCESS = Access(
    rows={
        # Who read which confidential fields: for auditors (shared/read_log.py).
        ("GET", "/v1/read-log"): roles(AUDITOR),
        # The officer answers "was the applicant told?"; the operator sees deliveries,
        # not what was said to whom about which application.
        ("GET", "/v1/notifications"): roles(OFFICER, AUDITOR),
        ("GET", "/v1/notifications/dead-letters"): roles(AUDITOR, OPERATOR),
        ("GET", "/v1/notifications/{notification_id}/attempts"): roles(AUDITOR, OPERATOR),
        ("POST", "/v1/notifications/{notification_id}/retry"): roles(OPERATOR),
        # A platform manages its own webhooks only (the routes scope by its subject).
        ("POST", "/v1/webhooks"): roles(PLATFORM),
        ("GET", "/v1/webhooks"): roles(PLATFORM),
        ("POST", "/v1/webhooks/{webhook_id}/rotate"): roles(PLATFORM),
        ("POST", "/v1/webhooks/{webhook_id}/retire"): roles(PLATFORM),
        ("DELETE", "/v1/webhooks/{webhook_id}"): roles(PLATFORM),
    }
)
