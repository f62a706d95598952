"""Both HTTP APIs refuse a body that is wrong as a whole in words a caller understands:
not JSON, not sent as JSON, missing, not an object. The apps are built as `bootstrap`
builds them; none of these requests gets as far as the database or the broker."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import pytest

from shared.auth.principal import Role
from shared.logs import JsonFormatter
from tests.support.apps import applications_app, notifications_app, register_app
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
# A body each `api.path` takes: it goes on to the database.
VALID: dict[str, dict[str, Any]] = {
    "/v1/rounds": {
        "name": "2026",
        "year": 2026,
        "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2026-12-31T00:00:00Z",
        "period_start": "2025-07-01",
        "period_end": "2026-06-30",
        "budget_yuan": 1_000_000,
    },
    "/v1/webhooks": {
        "url": "https://platform.example.cn/hook",
        "event_types": ["ApplicationAwarded"],
    },
}


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


class Lines(logging.Handler):
    """Each log line as the JSON formatter writes it, while the request is handled."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(JsonFormatter().format(record)))


async def test_an_unforeseen_error_answers_a_problem_naming_its_correlation_id(
    api: httpx.AsyncClient,
) -> None:
    # Any route that reads the database fails here: it is never reachable.
    lines = Lines()
    logging.getLogger("shared.http.correlation").addHandler(lines)
    given = "0b6e2f3a-9c8d-4e7f-a1b2-c3d4e5f6a7b8"
    try:
        answer = await api.post(
            api.path,  # type: ignore[attr-defined]
            json=VALID[api.path],  # type: ignore[attr-defined]
            headers={"X-Correlation-Id": given},
        )
    finally:
        logging.getLogger("shared.http.correlation").removeHandler(lines)
    assert answer.status_code == 500, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["x-correlation-id"] == given
    problem = answer.json()
    assert problem["correlation_id"] == given
    assert problem["errors"][0]["rule"] == "internal_error"
    assert given in problem["title"]
    [line] = lines.lines
    assert line["level"] == "ERROR"
    assert line["correlation_id"] == given
    assert "Traceback" in line["error"]


async def test_every_answer_carries_a_correlation_id(api: httpx.AsyncClient) -> None:
    refused = await api.post(api.path, content=b"nope", headers=JSON)  # type: ignore[attr-defined]
    first = UUID(refused.headers["x-correlation-id"])
    again = await api.post(api.path, content=b"nope", headers=JSON)  # type: ignore[attr-defined]
    assert UUID(again.headers["x-correlation-id"]) != first, "a new one for each request"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/v1/webhooks", "GET, POST"),
        ("/v1/webhooks/0b6e2f3a-9c8d-4e7f-a1b2-c3d4e5f6a7b8", "DELETE"),
        ("/v1/notifications", "GET"),
    ],
)
async def test_a_method_not_served_is_refused_naming_every_method_that_is(
    tokens: Tokens, path: str, allowed: str
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=notifications_app(tokens)),
        base_url="http://api",
        headers=tokens.headers("platform"),
    ) as api:
        answer = await api.put(path, json={})
    assert answer.status_code == 405
    assert answer.headers["allow"] == allowed
    assert answer.json()["errors"][0]["rule"] == "method_not_allowed"


async def test_an_amount_beyond_the_documented_bound_is_refused_not_failed(
    tokens: Tokens,
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=applications_app(tokens)),
        base_url="http://api",
        headers=tokens.headers("program_officer"),
    ) as api:
        for field in ("budget_yuan", "enterprise_cap_yuan"):
            body = {**VALID["/v1/rounds"], field: 2**64}
            answer = await api.post("/v1/rounds", json=body)
            assert answer.status_code == 422, answer.text
            [error] = answer.json()["errors"]
            assert (error["field"], error["rule"]) == (field, "less_than_equal")
            assert "1000000000000" in error["message"]
        schema = (await api.get("/openapi.json")).json()["components"]["schemas"]
        assert schema["RoundRequest"]["properties"]["budget_yuan"]["maximum"] == 10**12


@pytest.mark.parametrize(
    ("code", "rule", "words"),
    [
        ("冷链物流", "industry_code_format", "section letter A to T"),
        ("G5", "industry_code_format", "2 to 4 digits"),
        ("C54", "industry_code_known", "division 54 belongs to section G, not C"),
        ("G98", "industry_code_known", "division 98 is not in GB/T 4754-2017"),
    ],
)
async def test_an_industry_code_outside_the_classification_is_refused_at_its_field(
    tokens: Tokens, code: str, rule: str, words: str
) -> None:
    from tests.support.program import CLAIMS, application

    body = application("round-1", "91110108551385082Q", CLAIMS["pilot"])
    body["enterprise"]["industry_code"] = code
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=applications_app(tokens)), base_url="http://api"
    ) as client:
        answer = await client.post(
            "/v1/applications", json=body, headers=tokens.applicant("91110108551385082Q")
        )
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["rule"]) == ("enterprise.industry_code", rule)
    assert words in error["message"]


@pytest.mark.parametrize(
    ("path", "role", "field", "wrong"),
    [
        ("/v1/rounds", "program_officer", "opens_at", 1767225600),
        ("/v1/rounds", "program_officer", "opens_at", "2026-01-01"),
        ("/v1/rounds", "program_officer", "closes_at", "2026-12-31T00:00:00"),
        ("/v1/revocations", "operator", "issued_before", 0),
        ("/v1/revocations", "operator", "expires_at", "1767225600"),
    ],
    ids=["seconds", "day", "no-zone", "revocation-seconds", "revocation-digits"],
)
async def test_a_moment_that_is_no_timestamp_with_its_zone_is_refused_at_its_field(
    tokens: Tokens, path: str, role: Role, field: str, wrong: Any
) -> None:
    """Pydantic alone would read a number as seconds since 1970 and a day as its
    midnight: a round opening in 1970, a revocation of nothing. Refused, naming why."""
    valid = {
        "/v1/rounds": VALID["/v1/rounds"],
        "/v1/revocations": {"token_id": "jti-1", "reason": "a stolen laptop"},
    }[path]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=applications_app(tokens)), base_url="http://api"
    ) as client:
        body = {**valid, field: wrong}
        if field == "issued_before":
            body = {"subject": "officer-li", "issued_before": wrong, "reason": "left"}
        answer = await client.post(path, json=body, headers=tokens.headers(role))
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["rule"]) == (field, "timestamp_iso8601")
    assert "ISO 8601 timestamp with its zone" in error["message"]


@pytest.mark.parametrize(
    ("path", "field", "wrong"),
    [
        ("/v1/rounds", "period_start", 1751328000),
        ("/v1/rounds", "period_end", "2026-06-30T00:00:00Z"),
        ("/v1/applications", "claim.published_on", "1770681600"),
        ("/v1/applications", "claim.conferred_on", 1773532800),
        ("/v1/applications", "claim.accepted_on", "2026-5-20"),
        ("/v1/applications", "claim.adopted_on", 1775001600),
    ],
    ids=["seconds", "moment", "digits", "title-seconds", "unpadded", "adoption-seconds"],
)
async def test_a_day_that_is_no_calendar_date_is_refused_at_its_field(
    tokens: Tokens, path: str, field: str, wrong: Any
) -> None:
    """Pydantic alone would read a number as seconds since 1970 and a moment as its day:
    a claim filed for a day the client never meant. Refused, naming the field and why."""
    from tests.support.program import CLAIMS, application

    claim_of = {
        "published_on": "national_standard",
        "conferred_on": "quality_award",
        "accepted_on": "pilot",
        "adopted_on": "adoption",
    }
    name = field.removeprefix("claim.")
    if path == "/v1/rounds":
        body, headers = {**VALID[path], field: wrong}, tokens.headers("program_officer")
    else:
        claim = {**CLAIMS[claim_of[name]], name: wrong}
        body = application("round-1", "91110108551385082Q", claim)
        headers = tokens.applicant("91110108551385082Q")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=applications_app(tokens)), base_url="http://api"
    ) as client:
        answer = await client.post(path, json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["rule"]) == (field, "date_iso8601")
    assert "ISO 8601 calendar date, YYYY-MM-DD such as 2026-07-01" in error["message"]


async def test_a_day_of_an_official_list_that_is_no_calendar_date_is_refused_at_its_field(
    tokens: Tokens,
) -> None:
    """The register's lists reuse the events' entries: the day a title was conferred,
    sent as seconds since 1970, is refused as any request's day is, not taken."""
    body = {
        "list_id": "cq-awards-2026",
        "kind": "award_winners",
        "title": "市长质量奖",
        "entries": [
            {
                "kind": "award",
                "source_document": "渝府[2026]1号",
                "award": "mayor_quality_award",
                "tier": "winner",
                "year": 2026,
                "conferred_on": 1772323200,
                "winner": {"name": "重庆冷链物流有限公司"},
            }
        ],
    }
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=register_app(tokens)), base_url="http://api"
    ) as client:
        answer = await client.post(
            "/v1/official-lists", json=body, headers=tokens.headers("platform")
        )
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["rule"]) == ("entries.0.conferred_on", "date_iso8601")
    assert "ISO 8601 calendar date, YYYY-MM-DD such as 2026-07-01" in error["message"]
