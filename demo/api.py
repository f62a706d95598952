"""The applications API as the demo calls it, each step with the token of whoever takes
it (minted with the local stack's key), with clear errors when the stack is down."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

from shared.auth.local import LocalIssuer
from shared.auth.principal import Role


@dataclass(frozen=True)
class Who:
    role: Role
    subject: str
    credit_code: str | None = None


OFFICER = Who("program_officer", "officer-li")
REVIEWERS = (Who("reviewer", "reviewer-wang"), Who("reviewer", "reviewer-zhao"))


def applicant(credit_code: str) -> Who:
    return Who("applicant", f"applicant-{credit_code}", credit_code)


class DemoError(Exception):
    """Something the person running the demo must be told, in one message."""


@dataclass(frozen=True)
class Refusal:
    """A request the system refused: what its first error names."""

    status: int
    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.status}, field {self.field}, rule {self.rule}: {self.message}"


class Api:
    def __init__(
        self,
        client: httpx.AsyncClient,
        issuer: LocalIssuer,
        name: str = "the applications API",
        setting: str = "QSFUND_API",
    ) -> None:
        self.client = client
        self.issuer = issuer
        self.name, self.setting = name, setting  # what a stack that is down is told
        self._tokens: dict[Who, str] = {}

    async def call(
        self, method: str, path: str, who: Who | None = OFFICER, body: Any = None
    ) -> Any:
        """Reads go as the program officer, who runs the round; `who=None` calls as the
        public does, without a token."""
        response = await self._send(method, path, who, body)
        if response.status_code >= 400:
            raise DemoError(f"{method} {path} answered {response.status_code}: {response.text}")
        return response.json()

    async def found(self, path: str, who: Who | None = OFFICER) -> Any:
        """A read that may not find its object yet: None on 404."""
        response = await self._send("GET", path, who, None)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise DemoError(f"GET {path} answered {response.status_code}: {response.text}")
        return response.json()

    async def attempt(
        self, method: str, path: str, who: Who | None = OFFICER, body: Any = None
    ) -> Refusal | None:
        """A request that the system may refuse: None when it was accepted."""
        response = await self._send(method, path, who, body)
        if response.status_code < 400:
            return None
        error = response.json()["errors"][0]
        return Refusal(response.status_code, error["field"], error["rule"], error["message"])

    async def refusal(
        self, method: str, path: str, who: Who | None = OFFICER, body: Any = None
    ) -> Refusal:
        """A request the demo shows being refused; accepted, it stops the demo."""
        response = await self._send(method, path, who, body)
        if response.status_code < 400:
            raise DemoError(f"{method} {path} was accepted ({response.status_code}), not refused")
        error = response.json()["errors"][0]
        return Refusal(response.status_code, error["field"], error["rule"], error["message"])

    async def _send(self, method: str, path: str, who: Who | None, body: Any) -> httpx.Response:
        headers = {}
        if who is not None:
            if who not in self._tokens:  # one token each: the demo ends well within its hour
                self._tokens[who] = self.issuer.mint(who.role, who.subject, who.credit_code)
            headers["Authorization"] = f"Bearer {self._tokens[who]}"
        try:
            response = await self.client.request(method, path, json=body, headers=headers)
        except httpx.TransportError as error:
            raise DemoError(
                f"{self.name} at {self.client.base_url} does not answer "
                f"({type(error).__name__}: {error}). Is the stack up? Run `make up`, "
                f"or point {self.setting} at it."
            ) from None
        if response.status_code == 401:
            raise DemoError(
                f"{method} {path} answered 401: {response.text}. The demo signs with the key "
                f"in {self.issuer.directory}; the services must verify with its jwks.json "
                "(the default in development: start them with `make up`)."
            )
        return response

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

    async def published_list(self, round_id: str, revision: int, patience: float) -> Any:
        """The round's public list once it is at `revision` or later, fetched as anyone
        would: without a token."""
        deadline, path = time.monotonic() + patience, f"/v1/public/rounds/{round_id}/list"
        while True:
            response = await self._send("GET", path, None, None)
            if response.status_code == 200 and response.json()["revision"] >= revision:
                return response.json()
            if response.status_code not in (200, 404):
                raise DemoError(f"GET {path} answered {response.status_code}: {response.text}")
            if time.monotonic() > deadline:
                raise DemoError(
                    f"after {patience:.0f} s, the published list of round {round_id} is not at "
                    f"revision {revision}. Are the scoring service and Kafka running? Their "
                    "logs are under .qsfund/logs (or $QSFUND_HOME/logs)."
                )
            await asyncio.sleep(0.25)
