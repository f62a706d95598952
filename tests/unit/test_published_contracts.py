"""The AsyncAPI document integrators build against changes only on purpose: a change
to any event contract shows up as a diff of the checked-in copy in review."""

import json
from pathlib import Path

from services.asyncapi import asyncapi_document

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"


def test_the_checked_in_asyncapi_document_is_current() -> None:
    assert asyncapi_document() == json.loads(CHECKED_IN.read_text()), (
        "event contracts changed: regenerate with `make asyncapi` and review the diff"
    )


def test_the_checked_in_openapi_document_is_current() -> None:
    from services.applications.bootstrap import ApplicationsSettings, build_app

    current = build_app(ApplicationsSettings()).openapi()
    checked_in = json.loads((CHECKED_IN.parent / "openapi.json").read_text())
    assert current == checked_in, "the HTTP API changed: regenerate with `make asyncapi`"


def test_the_checked_in_notifications_openapi_document_is_current() -> None:
    """Platforms register their webhooks through this API: its document is published too."""
    from services.notifications.bootstrap import NotificationsSettings, build_app

    current = build_app(NotificationsSettings()).openapi()
    checked_in = json.loads((CHECKED_IN.parent / "openapi-notifications.json").read_text())
    assert current == checked_in, "the HTTP API changed: regenerate with `make asyncapi`"


def test_the_checked_in_payments_openapi_document_is_current() -> None:
    """Enterprises register their accounts, and the bureau calls back, through this API."""
    from services.payments.bootstrap import PaymentsSettings, build_app

    current = build_app(PaymentsSettings()).openapi()
    checked_in = json.loads((CHECKED_IN.parent / "openapi-payments.json").read_text())
    assert current == checked_in, "the HTTP API changed: regenerate with `make asyncapi`"
