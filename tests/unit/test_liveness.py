"""The process answers `GET /health` before the framework, as the app's own route does,
and passes everything else on."""

from __future__ import annotations

import httpx

from shared.http.liveness import Liveness
from tests.support.apps import applications_app
from tests.support.tokens import Tokens


async def test_the_wrapper_answers_health_as_the_app_does_and_passes_the_rest_on(
    tokens: Tokens,
) -> None:
    app = applications_app(tokens)
    wrapped = httpx.AsyncClient(transport=httpx.ASGITransport(Liveness(app)), base_url="http://a")
    bare = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://a")
    async with wrapped, bare:
        fast, framework = await wrapped.get("/health"), await bare.get("/health")
        assert (fast.status_code, fast.json()) == (framework.status_code, framework.json())
        assert fast.headers["content-type"] == "application/json"
        refused = await wrapped.get("/v1/rounds/r-1")
        assert refused.status_code == 401, "the app behind still checks tokens"
        assert (await wrapped.post("/health")).status_code == 405
