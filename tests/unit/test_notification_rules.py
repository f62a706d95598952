"""The notifications domain without I/O: backoff, routing, signatures, platform origins."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from services.notifications.domain import webhook
from services.notifications.domain.delivery import (
    AwaitRecipient,
    EmailTo,
    PostTo,
    RetryPolicy,
    Unsendable,
    route,
)
from tests.support.readme import readme_function

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_its_cap_then_parks() -> None:
    policy = RetryPolicy(attempts=6, base_seconds=1, factor=2, cap_seconds=10)
    waits = [policy.next_try(n, NOW) for n in range(1, 7)]
    assert [w - NOW if w else None for w in waits] == [
        timedelta(seconds=1),
        timedelta(seconds=2),
        timedelta(seconds=4),
        timedelta(seconds=8),
        timedelta(seconds=10),
        None,
    ]


@pytest.mark.parametrize(
    ("channel", "email", "url", "expected"),
    [
        ("email", "a@example.cn", None, EmailTo("a@example.cn")),
        ("email", None, None, AwaitRecipient()),
        (
            "webhook",
            "a@example.cn",
            "https://gov.example.cn/hook",
            PostTo("https://gov.example.cn/hook", "s" * 16),
        ),
    ],
)
def test_routing_follows_what_is_known_of_the_recipient(
    channel: str, email: str | None, url: str | None, expected: object
) -> None:
    assert route(channel, email, url, {"https://gov.example.cn:443": "s" * 16}) == expected


def test_a_webhook_without_a_secret_for_its_platform_is_not_sent() -> None:
    routed = route("webhook", "a@example.cn", "https://other.example.cn/hook", {})
    assert isinstance(routed, Unsendable)
    assert "no webhook secret" in routed.reason


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Gov.Example.cn/hook?x=1", "https://gov.example.cn:443"),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080"),
        ("https://[::1]/h", "https://[::1]:443"),
    ],
)
def test_secrets_are_keyed_by_origin_with_the_port_spelled_out(url: str, origin: str) -> None:
    assert webhook.origin(url) == origin


def test_the_signature_is_what_the_readme_tells_receivers_to_check() -> None:
    body = webhook.body(
        event_id=UUID(int=7),
        event_type="ApplicationAwarded",
        application_id="a1",
        occurred_at=NOW,
        subject="Application a1 awarded 300000 yuan",
        summary="...",
    )
    timestamp = int(datetime.now(UTC).timestamp())
    headers = {
        "X-Qsfund-Timestamp": str(timestamp),
        "X-Qsfund-Signature": webhook.signature("platform-secret-1", timestamp, body),
    }
    assert readme_function("verify")("platform-secret-1", headers, body)
    assert not readme_function("verify")("platform-secret-2", headers, body)
