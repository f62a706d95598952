"""Every kind of bad token is refused with 401, a WWW-Authenticate header and a stable rule
in problem+json; a good token of the wrong role with 403. Over the real applications app,
in process: a refusal happens before any database or broker is touched."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from services.applications.bootstrap import ApplicationsSettings, build_app
from shared.auth.principal import Role
from tests.support.tokens import TEST_ISSUER, Tokens, bearer

CODE = "91110108551385082Q"


@pytest.fixture
async def api(tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApplicationsSettings(
        qsfund_auth_jwks_file=tokens.issuer.jwks_file, qsfund_auth_issuer=TEST_ISSUER
    )
    transport = httpx.ASGITransport(app=build_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://applications") as client:
        yield client


def _now() -> int:
    return int(time.time())


BAD_TOKENS: dict[str, tuple[str, Callable[[Tokens], str]]] = {
    "expired": ("token_expired", lambda t: t.signed(exp=_now() - 120)),
    "not yet valid": ("token_not_yet_valid", lambda t: t.signed(nbf=_now() + 600)),
    "issued in the future": ("token_not_yet_valid", lambda t: t.signed(iat=_now() + 600)),
    "wrong issuer": ("token_issuer", lambda t: t.signed(iss="someone-else")),
    "wrong audience": ("token_audience", lambda t: t.signed(aud="another-system")),
    "wrong signature": ("token_signature", lambda t: t.forged()),
    "alg none": ("token_algorithm", lambda t: t.unsigned()),
    "HS256 with our public key": ("token_algorithm", lambda t: t.hmac_with_public_key()),
    "no expiry": ("token_claim_missing", lambda t: t.signed(exp=None)),
    "no issued-at": ("token_claim_missing", lambda t: t.signed(iat=None)),
    "no subject": ("token_claim_missing", lambda t: t.signed(sub=None)),
    "unknown role": ("token_role_unknown", lambda t: t.signed(role="superuser")),
    "applicant without enterprise": ("token_claim_missing", lambda t: t.signed(role="applicant")),
    "unknown key": ("token_key_unknown", lambda t: t.by_unknown_key()),
    "garbage": ("token_malformed", lambda t: "not.a.jwt"),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
async def test_a_bad_token_is_refused_with_its_rule(
    api: httpx.AsyncClient, tokens: Tokens, case: str
) -> None:
    rule, make = BAD_TOKENS[case]
    response = await api.get(f"/v1/applications/{'a' * 8}", headers=bearer(make(tokens)))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    challenge = response.headers["www-authenticate"]
    assert challenge == f'Bearer realm="qsfund", error="invalid_token", error_description="{rule}"'
    body = response.json()
    assert body["status"] == 401
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("authorization", rule)]


async def test_no_token_is_refused_and_told_how_to_authenticate(api: httpx.AsyncClient) -> None:
    for response in (
        await api.get("/v1/rounds/r-1"),
        await api.get("/v1/rounds/r-1", headers={"Authorization": "Basic b2ZmaWNlcjpsaQ=="}),
        await api.post("/v1/rounds", json={"not": "even valid"}),
    ):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="qsfund"'
        assert response.json()["errors"][0]["rule"] == "token_missing"


async def test_a_valid_token_of_a_role_the_endpoint_does_not_take_is_forbidden(
    api: httpx.AsyncClient, tokens: Tokens
) -> None:
    cases: list[tuple[Role, str, str]] = [
        ("reviewer", "POST", "/v1/rounds"),
        ("auditor", "POST", "/v1/applications/a-1/review"),
        ("operator", "GET", "/v1/applications/a-1"),
        ("applicant", "POST", "/v1/rounds/r-1/close"),
    ]
    for role, method, path in cases:
        headers = tokens.headers(role, credit_code=CODE if role == "applicant" else None)
        # The body is not even valid: the role is refused before the body is read.
        response = await api.request(method, path, json={"x": 1}, headers=headers)
        assert response.status_code == 403, (role, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert "insufficient_scope" in response.headers["www-authenticate"]
        assert response.json()["errors"][0]["rule"] == "role_not_allowed"


async def test_probes_need_no_token(api: httpx.AsyncClient) -> None:
    assert (await api.get("/health")).status_code == 200
    assert (await api.get("/openapi.json")).status_code == 200


def test_the_openapi_document_declares_bearer_authentication() -> None:
    document = build_app(ApplicationsSettings()).openapi()
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    submit = document["paths"]["/v1/applications"]["post"]
    assert submit["security"] == [{"HTTPBearer": []}]


async def test_without_the_issuers_keys_every_call_is_a_503(tokens: Tokens, tmp_path: Path) -> None:
    settings = ApplicationsSettings(qsfund_auth_jwks_file=tmp_path / "missing.json")
    transport = httpx.ASGITransport(app=build_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://applications") as api:
        response = await api.get("/v1/rounds/r-1", headers=tokens.headers("reviewer"))
    assert response.status_code == 503
    assert response.json()["errors"][0]["rule"] == "keys_unavailable"
    assert str(tmp_path) not in response.text, "where the keys live is for the log"
