"""Each request's correlation id, and the answer to what nobody foresaw.

The id is the caller's `X-Correlation-Id` when it is a UUID, else a new one. It is on
every log line written while the request is handled (shared/logs.py), in the answer's
`X-Correlation-Id` header, and in the events the request causes. An exception nothing
else handled is logged with it and answered 500 in the problem shape, naming it, so an
operator finds the traceback from what the caller reports: never a bare text.
"""

from __future__ import annotations

import logging
from uuid import UUID, uuid4

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logs import correlation_id

from .problems import PROBLEM_JSON

HEADER = "x-correlation-id"
log = logging.getLogger(__name__)


class Correlation:
    """Pure ASGI, outermost of a service's middleware, so refusals of the others carry
    the id too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        current = _given(scope) or str(uuid4())
        token = correlation_id.set(current)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", []), (HEADER.encode(), current.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            if started:  # part of the answer is sent: the client sees it cut short
                return
            message = f"an unexpected error; quote correlation id {current} when reporting it"
            item = {"field": "", "rule": "internal_error", "message": message}
            answer = {"title": message, "status": 500, "errors": [item], "correlation_id": current}
            await JSONResponse(answer, 500, media_type=PROBLEM_JSON)(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)


def _given(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER.encode():
            try:
                return str(UUID(value.decode("latin-1")))
            except ValueError:
                return None
    return None


def current_correlation_id() -> UUID:
    """The id of the request being handled (a new one outside any request)."""
    value = correlation_id.get()
    return UUID(value) if value is not None else uuid4()
