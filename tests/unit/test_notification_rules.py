"""The notifications domain without I/O: backoff, routing, signatures, webhook URLs."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest

from services.notifications.adapters.webhook import WebhookSender
from services.notifications.domain import webhook
from services.notifications.domain.delivery import (
    AwaitRecipient,
    EmailTo,
    Endpoint,
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


HOOK = Endpoint("https://gov.example.cn/hook", ("new-secret", "old-secret"))


@pytest.mark.parametrize(
    ("channel", "email", "endpoint", "expected"),
    [
        ("email", "a@example.cn", None, EmailTo("a@example.cn")),
        ("email", None, None, AwaitRecipient()),
        ("webhook", "a@example.cn", HOOK, PostTo(HOOK.url, HOOK.secrets)),
    ],
)
def test_routing_follows_what_is_known_of_the_recipient(
    channel: str, email: str | None, endpoint: Endpoint | None, expected: object
) -> None:
    assert route(channel, email, endpoint) == expected


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        (None, "per-application webhook URLs are retired"),
        (Endpoint(HOOK.url, HOOK.secrets, deleted=True), "deleted"),
        (Endpoint(HOOK.url, ()), "no valid secret"),
    ],
)
def test_a_webhook_is_not_sent_without_a_live_registration_and_a_secret(
    endpoint: Endpoint | None, reason: str
) -> None:
    routed = route("webhook", "a@example.cn", endpoint)
    assert isinstance(routed, Unsendable)
    assert reason in routed.reason


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://gov.example.cn/qsfund/events", None),
        ("http://gov.example.cn/qsfund/events", "must be https"),
        ("https://user:pw@gov.example.cn/hook", "credentials"),
        ("https://127.0.0.1/hook", "non-public"),
        ("https://10.1.2.3:8443/hook", "non-public"),
        ("https://169.254.169.254/latest/meta-data", "non-public"),
        ("https://[::1]/hook", "non-public"),
        ("https://localhost/hook", "this machine"),
        ("ftp://gov.example.cn/hook", "http(s)"),
        ("https://gov.example.cn:99999/hook", "not a URL"),
    ],
)
def test_a_platform_may_register_only_public_https_urls(url: str, refused: str | None) -> None:
    problem = webhook.url_problem(url, insecure_allowed=False)
    assert (problem is None) if refused is None else (refused in (problem or "")), problem


def test_development_may_register_loopback_http() -> None:
    assert webhook.url_problem("http://127.0.0.1:8080/hook", insecure_allowed=True) is None


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


def test_during_a_rotation_a_receiver_with_either_secret_verifies() -> None:
    body = b'{"event_id":"e1"}'
    timestamp = int(datetime.now(UTC).timestamp())
    headers = {
        "X-Qsfund-Timestamp": str(timestamp),
        "X-Qsfund-Signature": webhook.signatures(["new-secret", "old-secret"], timestamp, body),
    }
    verify = readme_function("verify")
    assert verify("new-secret", headers, body)
    assert verify("old-secret", headers, body)
    assert not verify("retired-secret", headers, body)


async def test_a_webhook_is_posted_to_the_checked_address_under_its_host_and_tls_name() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    async def resolve(host: str, port: int) -> list[str]:
        return {"hooks.example.cn": ["2001:4860:4860::8888"]}[host]

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    sender = WebhookSender(client, resolver=resolve)
    sent = await sender.post(
        url="https://hooks.example.cn/q?x=1", secrets=("s",), body=b"{}", event_id="e", timestamp=1
    )
    assert sent.ok
    (request,) = seen
    assert str(request.url) == "https://[2001:4860:4860::8888]/q?x=1"
    assert request.headers["host"] == "hooks.example.cn"
    assert request.extensions["sni_hostname"] == "hooks.example.cn"
