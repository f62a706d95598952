"""The notifications service's use cases below HTTP, on an in-memory store: a
platform's webhooks and secrets, an operator's retry, and what a refusal leaves behind
(nothing). Time, ids and secrets are the test's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.notifications.domain.webhook import WebhookRules
from services.notifications.service import NotificationsService
from shared.http.idempotency import KeyClaim, KeyTaken
from shared.http.problems import Refused
from tests.support.notifications_store import FakeStore

PLATFORM, OTHER = "chongqing-gov-platform", "another-platform"
URL = "https://platform.example.cn/qsfund/events"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class World:
    """The service with a store, a clock that moves when told, and numbered ids and secrets."""

    def __init__(self, **rules: Any) -> None:
        self.store = FakeStore()
        self.now = START
        self.made = 0
        self.secrets = 0
        self.service = NotificationsService(
            transaction=self.store.transaction,
            rules=WebhookRules(**rules),
            clock=lambda: self.now,
            new_id=self._id,
            new_secret=self._secret,
        )

    def _id(self) -> UUID:
        self.made += 1
        return UUID(int=self.made)

    def _secret(self) -> str:
        self.secrets += 1
        return f"whsec_test_{self.secrets}"

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def refusal(error: pytest.ExceptionInfo[Refused]) -> tuple[int, str, str]:
    return error.value.status, error.value.item["field"], error.value.item["rule"]


def key(name: str = "k1") -> KeyClaim:
    return KeyClaim(principal=PLATFORM, key=name, request_sha256="0" * 64, status=201)


async def test_a_platform_registers_a_webhook_and_gets_its_secret_once() -> None:
    world = World()
    created = await world.service.register_webhook(
        PLATFORM, URL, ["ApplicationAwarded", "ApplicationReviewed", "ApplicationAwarded"], key()
    )
    assert created.id == UUID(int=1)
    assert created.secret == "whsec_test_1"
    assert created.event_types == ["ApplicationAwarded", "ApplicationReviewed"]
    assert [(s.created_at, s.retire_at) for s in created.secrets] == [(START, None)]
    # The key's answer is the answer, secret included: a retry gets it back.
    assert world.store.rows.keys[PLATFORM, "k1"]["secret"] == "whsec_test_1"
    listed = await world.service.list_webhooks(PLATFORM)
    assert [hook.id for hook in listed] == [created.id]
    assert "secret" not in listed[0].model_dump()
    assert await world.service.list_webhooks(OTHER) == []


async def test_an_unsafe_url_is_refused_before_anything_is_made() -> None:
    world = World()
    with pytest.raises(Refused) as error:
        await world.service.register_webhook(PLATFORM, "https://127.0.0.1/hook", ["A"], key())
    assert refusal(error) == (422, "url", "webhook_url")
    assert (world.made, world.secrets) == (0, 0)
    assert world.store.rows.webhooks == {}


async def test_a_platform_at_its_maximum_is_refused_and_its_key_stays_free() -> None:
    world = World(most_per_platform=2)
    for name in ("k1", "k2"):
        await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], key(name))
    with pytest.raises(Refused) as error:
        await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], key("k3"))
    assert refusal(error) == (409, "url", "webhooks_per_platform")
    assert await world.store.count_webhooks(PLATFORM) == 2
    assert (PLATFORM, "k3") not in world.store.rows.keys, "a refusal rolls its key back"
    # Another platform has its own ten.
    await world.service.register_webhook(OTHER, URL, ["ApplicationAwarded"], None)


async def test_a_key_already_claimed_does_nothing_new() -> None:
    world = World()
    await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], key())
    with pytest.raises(KeyTaken):
        await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], key())
    assert await world.store.count_webhooks(PLATFORM) == 1


async def test_rotation_keeps_the_old_secret_for_the_grace_period_then_retire_ends_it() -> None:
    world = World()
    hook = await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], None)
    world.later(hours=1)
    rotated = await world.service.rotate_secret(PLATFORM, hook.id, 3600, None)
    assert rotated.secret != hook.secret
    grace_ends = START + timedelta(hours=2)
    assert [(s.created_at, s.retire_at) for s in rotated.secrets] == [
        (START + timedelta(hours=1), None),  # newest first
        (START, grace_ends),
    ]
    world.later(minutes=30)
    retired = await world.service.retire_secrets(PLATFORM, hook.id, None)
    assert [s.created_at for s in retired.secrets] == [START + timedelta(hours=1)]


async def test_a_grace_period_cannot_be_shortened_by_a_later_longer_rotation() -> None:
    world = World()
    hook = await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], None)
    await world.service.rotate_secret(PLATFORM, hook.id, 60, None)
    again = await world.service.rotate_secret(PLATFORM, hook.id, 86400, None)
    assert [s.retire_at for s in again.secrets] == [
        None,
        START + timedelta(days=1),
        START + timedelta(seconds=60),  # the first one keeps its earlier end
    ]


async def test_another_platforms_webhook_is_as_missing_as_one_that_never_was() -> None:
    world = World()
    hook = await world.service.register_webhook(OTHER, URL, ["ApplicationAwarded"], None)
    for attempt in (
        world.service.rotate_secret(PLATFORM, hook.id, 60, None),
        world.service.retire_secrets(PLATFORM, hook.id, None),
        world.service.delete_webhook(PLATFORM, hook.id),
        world.service.delete_webhook(PLATFORM, uuid4()),
    ):
        with pytest.raises(Refused) as error:
            await attempt
        assert refusal(error) == (404, "webhook_id", "exists")
    assert len(world.store.valid_secrets(hook.id, world.now)) == 1


async def test_a_deleted_webhook_is_gone_and_frees_its_place() -> None:
    world = World(most_per_platform=1)
    hook = await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], None)
    await world.service.delete_webhook(PLATFORM, hook.id)
    assert await world.service.list_webhooks(PLATFORM) == []
    await world.service.register_webhook(PLATFORM, URL, ["ApplicationAwarded"], None)


def parked_notification(store: FakeStore, status: str = "parked") -> UUID:
    notification_id = uuid4()
    store.rows.notifications[notification_id] = {
        "id": notification_id,
        "event_id": uuid4(),
        "application_id": "app-1",
        "event_type": "ApplicationAwarded",
        "occurred_at": START,
        "channel": "email",
        "subject": "Your application was awarded",
        "summary": "300000 yuan",
        "status": status,
        "attempts": 6,
        "due_at": START,
        "last_error": "connection refused",
        "created_at": START,
        "sent_at": None,
    }
    return notification_id


async def test_an_operator_retries_a_parked_notification_and_only_a_parked_one() -> None:
    world = World()
    parked = parked_notification(world.store)
    assert [n.id for n in await world.service.dead_letters()] == [parked]
    retried = await world.service.retry(parked, None)
    assert (retried.status, retried.attempts) == ("pending", 0)
    assert await world.service.dead_letters() == []
    with pytest.raises(Refused) as error:
        await world.service.retry(parked, None)
    assert refusal(error) == (409, "status", "parked")
    with pytest.raises(Refused) as error:
        await world.service.retry(uuid4(), None)
    assert refusal(error) == (404, "notification_id", "exists")


async def test_attempts_of_an_unknown_notification_are_refused() -> None:
    world = World()
    with pytest.raises(Refused) as error:
        await world.service.attempts(uuid4())
    assert refusal(error) == (404, "notification_id", "exists")
    assert await world.service.attempts(parked_notification(world.store)) == []
