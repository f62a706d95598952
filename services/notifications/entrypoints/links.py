"""The notifications API's OpenAPI links: which answer's ids open which operations."""

from __future__ import annotations

from shared.http.openapi import Links, link

WEBHOOK = "$response.body#/id"
FIRST_NOTIFICATION = "$response.body#/0/id"


def _on_webhook() -> dict[str, dict[str, object]]:
    return {
        "RotateWebhookSecret": link("rotateWebhookSecret", webhook_id=WEBHOOK),
        "RetireWebhookSecrets": link("retireWebhookSecrets", webhook_id=WEBHOOK),
        "DeleteWebhook": link("deleteWebhook", webhook_id=WEBHOOK),
    }


def _on_notification() -> dict[str, dict[str, object]]:
    return {
        "ListNotificationAttempts": link(
            "listNotificationAttempts", notification_id=FIRST_NOTIFICATION
        ),
        "RetryNotification": link("retryNotification", notification_id=FIRST_NOTIFICATION),
    }


LINKS: Links = {
    "registerWebhook": {"201": _on_webhook()},
    "rotateWebhookSecret": {"201": _on_webhook()},
    "listNotifications": {"200": _on_notification()},
    "listDeadLetters": {"200": _on_notification()},
}
