"""Posting a signed notification to a municipal platform's webhook."""

from __future__ import annotations

import httpx

from ..domain import webhook
from ..domain.delivery import Attempted

REPLY_EXCERPT = 500


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self, *, url: str, secrets: tuple[str, ...], body: bytes, event_id: str, timestamp: int
    ) -> Attempted:
        """POST the body with a signature per valid secret; ok on any 2xx answer."""
        headers = {
            "content-type": "application/json",
            "X-Qsfund-Event-Id": event_id,
            "X-Qsfund-Timestamp": str(timestamp),
            "X-Qsfund-Signature": webhook.signatures(secrets, timestamp, body),
        }
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            return Attempted(ok=False, error=f"{type(error).__name__}: {error}"[:2000])
        reply = response.text[:REPLY_EXCERPT]
        if response.is_success:
            return Attempted(ok=True, reply=reply, http_status=response.status_code)
        return Attempted(
            ok=False,
            error=f"HTTP {response.status_code}",
            reply=reply,
            http_status=response.status_code,
        )
