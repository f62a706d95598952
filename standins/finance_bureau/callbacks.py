"""Posting the bureau's outcomes to qsfund: signed, each in a background task of its own,
retried with backoff on anything but 2xx and 409 until it is answered or given up, and
every answer recorded so a test can wait for "answered 204" rather than for time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import httpx

from shared.clock import Clock
from shared.envelope import canonical_json
from shared.signing import signatures

from .bodies import Callback

Fate = Literal["sending", "answered", "given_up"]


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 1.0
    cap_seconds: float = 300.0
    # The contract: the bureau retries for 72 hours.
    give_up_after: timedelta = timedelta(hours=72)

    def delay(self, tries: int) -> float:
        """The wait after failed try number `tries`: base, 2 base, 4 base ... capped."""
        return float(min(self.base_seconds * 2 ** min(tries - 1, 32), self.cap_seconds))


@dataclass
class Delivery:
    callback: Callback
    fate: Fate = "sending"
    # Each try's HTTP status, or the transport error's name when none came back.
    answers: list[int | str] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "callback_id": self.callback.callback_id,
            "instruction_id": self.callback.instruction_id,
            "status": self.callback.body["status"],
            "fate": self.fate,
            "answers": self.answers,
        }


class CallbackSender:
    def __init__(
        self,
        url: str,
        secrets: Sequence[str],
        clock: Clock,
        backoff: Backoff,
        client: httpx.AsyncClient,
    ) -> None:
        self.url, self.secrets, self.clock, self.backoff = url, list(secrets), clock, backoff
        self.client = client
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def send(self, callbacks: Sequence[Callback]) -> None:
        """Start delivering each callback in the background; the caller does not wait."""
        for callback in callbacks:
            delivery = Delivery(callback)
            self.deliveries.append(delivery)
            task = asyncio.create_task(self._deliver(delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery) -> None:
        body = canonical_json(delivery.callback.body)
        started = self.clock()
        while True:
            answer = await self._post(body)
            delivery.answers.append(answer)
            # 409: qsfund says it contradicts its record; an operator reconciles, not a retry.
            if isinstance(answer, int) and (200 <= answer < 300 or answer == 409):
                delivery.fate = "answered"
                return
            if self.clock() - started >= self.backoff.give_up_after:
                delivery.fate = "given_up"
                return
            await asyncio.sleep(self.backoff.delay(len(delivery.answers)))

    async def _post(self, body: bytes) -> int | str:
        timestamp = int(self.clock().timestamp())
        headers = {
            "content-type": "application/json",
            "X-Finance-Timestamp": str(timestamp),
            "X-Finance-Signature": signatures(self.secrets, timestamp, body),
        }
        try:
            response = await self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            return type(error).__name__
        return response.status_code

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.aclose()
