"""`GET /health` answered before the framework: an orchestrator asks every few seconds
whether the process is alive, and routing, dependencies and serialisation would cost
several times what the answer does. The app's own `/health` route stays for what runs it
without this wrapper (the tests' in-process clients); both answer the same."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

PATH = "/health"
BODY = b'{"status":"ok"}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


class Liveness:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        await send({"type": "http.response.body", "body": BODY})
