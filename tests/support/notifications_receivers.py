"""The far ends of notification delivery, real and local: an SMTP server that keeps what
it is sent, and a municipal platform's webhook that records requests and can fail."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.processes import free_port


@dataclass(frozen=True)
class Mail:
    recipients: list[str]
    message: EmailMessage


class SmtpServer:
    """aiosmtpd on a free loopback port, in a thread of its own; it refuses the
    recipients in `refused` as a server refuses a mailbox that does not exist."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Mail] = []
        self.refused: set[str] = set()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Mail(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """An HTTP server on a free loopback port that answers 500 to the next `fail_next`
    requests, or to all while `failing`, and 200 otherwise."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        # Every TCP connection accepted, whether or not it became a request.
        self.connections = 0
        self.fail_next = 0
        self.failing = False
        self._lock = threading.Lock()
        self._server = _CountingServer(("127.0.0.1", 0), self._handler(), self)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/qsfund/events"

    def _answer(self, request: Request) -> int:
        with self._lock:
            self.requests.append(request)
            if self.failing:
                return 500
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500
            return 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = receiver._answer(Request(self.path, headers, body))
                reply = b"ok" if status == 200 else b"platform unavailable"
                self.send_response(status)
                self.send_header("content-type", "text/plain")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _CountingServer(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int], handler: Any, receiver: WebhookReceiver) -> None:
        super().__init__(address, handler)
        self.receiver = receiver

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.receiver._lock:
            self.receiver.connections += 1
        return True
