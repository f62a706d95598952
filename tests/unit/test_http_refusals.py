"""Both HTTP APIs refuse a body that is wrong as a whole in words a caller understands:
not JSON, not sent as JSON, missing, not an object. The apps are built as `bootstrap`
builds them; none of these requests gets as far as the database or the broker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from shared.auth.principal import Role
from tests.support.apps import applications_app, notifications_app
from tests.support.tokens import Tokens


@pytest.fixture(params=["applications", "notifications"])
async def api(request: pytest.FixtureRequest, tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    """Each API, with a token allowed to POST its `path` (on `api.path`)."""
    role: Role = "program_officer" if request.param == "applications" else "platform"
    if request.param == "applications":
        app, path = applications_app(tokens), "/v1/rounds"
    else:
        app, path = notifications_app(tokens), "/v1/webhooks"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://api", headers=tokens.headers(role)
    ) as client:
        client.path = path  # type: ignore[attr-defined]
        yield client


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("content", "headers", "field", "rule", "words"),
    [
        (b"name=2026", JSON, "body", "json_invalid", "not valid JSON: expecting value at"),
        (b'{"name": 1', JSON, "body", "json_invalid", "not valid JSON"),
        (b'{"name": "x"}', {}, "content-type", "content_type", "Content-Type: application/json"),
        (b'{"name": "x"}', {"content-type": "text/plain"}, "content-type", "content_type", "JSON"),
        (b"", JSON, "body", "missing", "no body"),
        (b"", {}, "body", "missing", "no body"),
        (b"[1, 2]", JSON, "body", "object_required", "a JSON object, not a list"),
        (b"\xff\xfe", JSON, "body", "json_invalid", "JSON"),
    ],
    ids=["form", "cut", "no-type", "text", "empty", "empty-no-type", "list", "not-utf8"],
)
async def test_a_body_wrong_as_a_whole_is_refused_in_words(
    api: httpx.AsyncClient,
    content: bytes,
    headers: dict[str, str],
    field: str,
    rule: str,
    words: str,
) -> None:
    answer = await api.post(api.path, content=content, headers=headers)  # type: ignore[attr-defined]
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    [error] = answer.json()["errors"]
    assert (error["field"], error["rule"]) == (field, rule)
    assert words in error["message"]


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("applicant", "an applicant may not POST /v1/rounds"),
        ("auditor", "an auditor may not POST /v1/rounds"),
        ("reviewer", "a reviewer may not POST /v1/rounds"),
    ],
)
async def test_a_refused_role_is_named_in_a_sentence(
    tokens: Tokens, role: Role, words: str
) -> None:
    app = applications_app(tokens)
    headers = tokens.headers(
        role, credit_code="91110108551385082Q" if role == "applicant" else None
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api", headers=headers
    ) as api:
        answer = await api.post("/v1/rounds", json={})
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["message"] == words
