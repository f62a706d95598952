"""The applications API as the demo calls it, with clear errors when the stack is down."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx


class DemoError(Exception):
    """Something the person running the demo must be told, in one message."""


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(self, method: str, path: str, actor: str | None = None, body: Any = None) -> Any:
        headers = {"X-Actor-Id": actor} if actor else {}
        try:
            response = await self.client.request(method, path, json=body, headers=headers)
        except httpx.TransportError as error:
            raise DemoError(
                f"the applications API at {self.client.base_url} does not answer "
                f"({type(error).__name__}: {error}). Is the stack up? Run `make up`, "
                "or point QSFUND_API at it."
            ) from None
        if response.status_code >= 400:
            raise DemoError(f"{method} {path} answered {response.status_code}: {response.text}")
        return response.json()

    async def view(self, application_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("GET", f"/v1/applications/{application_id}")
        return result

    async def views(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        found = await asyncio.gather(*(self.view(i) for i in ids))
        return dict(zip(ids, found, strict=True))

    async def histories(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        paths = [f"/v1/applications/{i}/history" for i in ids]
        found = await asyncio.gather(*(self.call("GET", path) for path in paths))
        return dict(zip(ids, found, strict=True))

    async def wait_for(
        self, round_id: str, statuses: set[str], count: int, what: str, patience: float
    ) -> None:
        """Poll the round until `count` of its applications are in `statuses`."""
        # One request a poll (the round's counts): the services we wait for share the host.
        deadline = time.monotonic() + patience
        while True:
            by_status: dict[str, int] = (await self.call("GET", f"/v1/rounds/{round_id}"))[
                "applications_by_status"
            ]
            if sum(n for status, n in by_status.items() if status in statuses) >= count:
                return
            if time.monotonic() > deadline:
                now = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
                raise DemoError(
                    f"after {patience:.0f} s, fewer than {count} applications are {what} "
                    f"(the round has {now}). Are the scoring service and Kafka running? "
                    "Their logs are under .qsfund/logs (or $QSFUND_HOME/logs)."
                )
            await asyncio.sleep(0.25)
