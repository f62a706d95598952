"""A ceiling on request bodies, before anything parses them: pure ASGI, so it counts the
bytes as they stream in and answers 413 without reading past the limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem

MAX_BODY_BYTES = 256 * 1024


class BodyLimit:
    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, paths: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Routes that take more than the rest (a bulk load): their own ceiling, by path.
        self.paths = paths or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        most = self.paths.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > most:
            await self._refuse(scope, receive, send, most)
            return
        # The body is held in memory anyway by the JSON parsing behind us; at most the
        # limit of it here.
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > most:
                await self._refuse(scope, receive, send, most)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, most: int) -> None:
        message = f"the body is over {most} bytes"
        item = {"field": "body", "rule": "body_too_large", "message": message}
        await problem(413, message, [item])(scope, receive, send)
