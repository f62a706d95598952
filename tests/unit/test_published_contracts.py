"""The AsyncAPI document integrators build against changes only on purpose: a change
to any event contract shows up as a diff of the checked-in copy in review."""

import json
from pathlib import Path

from services.operations.asyncapi import asyncapi_document

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


def test_every_subscriber_shows_the_events_it_acts_on() -> None:
    """A reader of the document sees on each channel which events flow, with schemas:
    scoring reads reviews from the applications topic (and the register from its own),
    applications reads allocations
    from the scoring topic (and revocations from the payments topic), notifications reads
    what someone is told of from all three, payments reads final awards."""
    document = json.loads(CHECKED_IN.read_text())
    schemas = document["components"]["schemas"]

    def consumed(channel: str) -> set[str]:
        [message] = document["channels"][channel]["messages"].values()
        payload = document["components"]["messages"][message["$ref"].split("/")[-1]]["payload"]
        envelope = schemas[payload["$ref"].split("/")[-1]]
        return {ref["$ref"].split("/")[-1] for ref in envelope["properties"]["payload"]["anyOf"]}

    assert {"ApplicationReviewed", "RoundClosed"} <= consumed("scoring:qsfund.applications.events")
    # The register, which the allocation holds enterprises to at the decision.
    assert "EnterprisesRegistered" in consumed("scoring:qsfund.register.events")
    assert {"ApplicationScored", "RoundAllocated"} <= consumed("applications:qsfund.scoring.events")
    assert "AwardRevoked" in consumed("applications:qsfund.payments.events")
    told = consumed("notifications:qsfund.scoring.events")
    assert told == consumed("notifications:qsfund.applications.events")
    assert told == consumed("notifications:qsfund.payments.events")
    assert {"ApplicationSubmitted", "ApplicationAwarded", "AwardFinalised", "PaymentFailed"} <= told
    assert all(name in schemas for name in told)
    assert "AwardFinalised" in consumed("payments:qsfund.applications.events")
