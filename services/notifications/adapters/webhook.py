"""Posting a signed notification to a municipal platform's webhook.

Without an egress proxy, the sender resolves the webhook's host itself (through the one
`resolver` it is given), refuses non-public answers, and connects to the very address it
checked: the URL is rewritten to that address, the Host header and the TLS server name
(`sni_hostname`, which the certificate is also checked against) stay the host's. With a
proxy, the proxy resolves and connects; the check is then the proxy's to make.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..domain import webhook
from ..domain.delivery import Attempted

REPLY_EXCERPT = 500

# (host, port) -> the addresses it resolves to now.
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def webhook_client(timeout: float, proxy: str | None) -> httpx.AsyncClient:
    # No kept-alive connections: the pool is keyed by address, and a connection whose TLS
    # was checked for one host must not carry another host's request that resolved there.
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, limits=limits, proxy=proxy)


class WebhookSender:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        resolver: Resolver = system_resolver,
        public_only: bool = True,
        proxied: bool = False,
    ) -> None:
        self.client = client
        self.resolver = resolver
        # Off (NOTIFICATIONS_WEBHOOK_INSECURE_URLS) in development and tests only.
        self.public_only = public_only
        self.proxied = proxied

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
        extensions: dict[str, Any] = {}
        try:
            if not self.proxied:
                parts = urlsplit(url)
                port = parts.port or (443 if parts.scheme == "https" else 80)
                host = parts.hostname or ""
                addresses = await self.resolver(host, port)
                problem = webhook.egress_problem(host, addresses) if self.public_only else None
                if problem is not None:
                    return Attempted(ok=False, error=problem, park=True)
                if not addresses:
                    return Attempted(ok=False, error=f"{host} resolved to no address")
                url, headers["host"] = webhook.pinned_url(url, addresses[0])
                extensions["sni_hostname"] = host
            response = await self.client.post(
                url, content=body, headers=headers, extensions=extensions
            )
        except (httpx.HTTPError, OSError) as error:
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
