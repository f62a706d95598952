"""The finance bureau's side for tests: the stand-in run as its own process
(`qsfund-finance-standin`), and a small real receiver of its callbacks that checks their
signatures as qsfund does and answers 204, or 500 first when a test asks for it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from shared.clock import Clock
from shared.contracts.payments import PayeeAccount, PaymentInstructed
from shared.signing import signature_problem
from tests.support.processes import BIN, ServiceProcess, free_port

# Test secrets, one per direction, as the contract has it (at least 32 characters).
TO_BUREAU = "test-qsfund-to-bureau-secret-0123456789abcdef"
FROM_BUREAU = "test-bureau-to-qsfund-secret-0123456789abcdef"


def instruction(
    suffix: str = "0000", amount_yuan: int = 150_000, application_id: str | None = None
) -> PaymentInstructed:
    """Tranche 1 of 2 of a 300,000 yuan award, to an account ending in `suffix`: the
    stand-in's behaviour (docs/finance-contract.md, "The local stand-in")."""
    application_id = application_id or str(uuid4())
    return PaymentInstructed(
        application_id=application_id,
        instruction_id=f"{application_id}-t1-a1",
        round_id="round-2026",
        tranche=1,
        tranches=2,
        amount_yuan=amount_yuan,
        final_award_yuan=300_000,
        payee=PayeeAccount(
            credit_code="91500112MA5U8X2K3Q",
            account_name="重庆某某科技有限公司",
            account_number=f"31006672601880001{suffix}",
            bank_name="交通银行重庆渝北支行",
            cnaps_code="301653000015",
        ),
    )


@dataclass(frozen=True)
class Received:
    body: dict[str, Any]
    answered: int


class CallbackReceiver:
    """Where the stand-in posts its callbacks: 401 when the signature is not good under
    `FROM_BUREAU` and the clock, 500 to the first call for each id in `fail_first`,
    204 otherwise; every call kept with what it was answered."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.received: list[Received] = []
        self.fail_first: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/finance/callbacks"

    def _answer(self, headers: Any, payload: bytes) -> int:
        problem = signature_problem(
            headers.get("X-Finance-Signature"),
            headers.get("X-Finance-Timestamp"),
            payload,
            [FROM_BUREAU],
            self.clock(),
        )
        body = json.loads(payload)
        with self._lock:
            if problem is not None:
                status = 401
            elif body["instruction_id"] in self.fail_first:
                self.fail_first.discard(body["instruction_id"])
                status = 500
            else:
                status = 204
            self.received.append(Received(body, status))
        return status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                payload = self.rfile.read(int(self.headers.get("content-length", "0")))
                self.send_response(receiver._answer(self.headers, payload))
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> CallbackReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def standin_process(
    log_dir: Path, callback_url: str, clock_file: Path, **settings: str
) -> ServiceProcess:
    """The stand-in on a free port with the test secrets; `settings` are more
    FINANCE_STANDIN_* values by their lower-case names (slow_seconds="3")."""
    port = free_port()
    env = {
        "FINANCE_STANDIN_PORT": str(port),
        "FINANCE_STANDIN_CALLBACK_URL": callback_url,
        "FINANCE_STANDIN_INBOUND_SECRETS": TO_BUREAU,
        "FINANCE_STANDIN_OUTBOUND_SECRETS": FROM_BUREAU,
        "QSFUND_TEST_CLOCK_FILE": str(clock_file),
        **{f"FINANCE_STANDIN_{name.upper()}": value for name, value in settings.items()},
    }
    argv = [str(BIN / "qsfund-finance-standin")]
    return ServiceProcess(argv, env, log_dir / "finance-standin.log", port)


class StandInControl:
    """The stand-in's own routes: release what it holds, and read what it did."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def release(self) -> dict[str, Any]:
        return await self._call("POST", "/stand-in/release")

    async def state(self) -> dict[str, Any]:
        return await self._call("GET", "/stand-in/state")

    async def _call(self, method: str, path: str) -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            response = await client.request(method, f"{self.url}{path}")
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    async def callbacks_when(
        self, done: Callable[[list[dict[str, Any]]], bool], within_seconds: float = 20
    ) -> list[dict[str, Any]]:
        """The stand-in's callbacks once `done` holds of them: a signal, not a wait."""
        deadline = time.monotonic() + within_seconds
        while True:
            callbacks: list[dict[str, Any]] = (await self.state())["callbacks"]
            if done(callbacks):
                return callbacks
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stand-in's callbacks never came to that: {callbacks}")
            await asyncio.sleep(0.05)


def answered(instruction_id: str, count: int = 1) -> Callable[[list[dict[str, Any]]], bool]:
    """`count` callbacks for the instruction, each finally answered 204."""

    def done(callbacks: list[dict[str, Any]]) -> bool:
        mine = [c for c in callbacks if c["instruction_id"] == instruction_id]
        return len(mine) >= count and all(c["answers"][-1:] == [204] for c in mine)

    return done
