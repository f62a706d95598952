"""Where keys come from and what production refuses: the issuer's JWKS fetched and
cached, fetched again for a rotated key (not for every made-up one), the development key
and a missing issuer refused at start, and `qsfund-token` minting what the services accept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from shared.auth import cli
from shared.auth.keys import KeyCache, jwks_url
from shared.auth.local import local_issuer
from shared.auth.principal import KeysUnavailable, Principal, Unauthenticated
from shared.auth.settings import AuthSettings
from shared.auth.verify import TokenVerifier, build_verifier
from tests.support.tokens import TEST_ISSUER, Tokens

JWKS_URL = "https://sso.example.gov.cn/.well-known/jwks.json"
BIN = Path(sys.executable).parent


class Issuer:
    """A stand-in for the municipal single sign-on: serves its JWKS and counts fetches."""

    def __init__(self, tokens: Tokens) -> None:
        self.keys: list[dict[str, Any]] = [tokens.issuer.key.as_dict(private=False)]
        self.fetches = 0
        self.down = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": self.keys})


def verifier(keys: KeyCache, leeway: int = 30) -> TokenVerifier:
    return TokenVerifier(
        keys, issuer=TEST_ISSUER, audience="qsfund", algorithms=["ES256", "RS256"], leeway=leeway
    )


def url_keys(issuer: Issuer, **options: Any) -> KeyCache:
    return KeyCache(jwks_url(JWKS_URL, transport=httpx.MockTransport(issuer.handle)), **options)


async def test_a_good_token_names_its_subject_role_and_enterprise(tokens: Tokens) -> None:
    issuer = Issuer(tokens)
    check = verifier(url_keys(issuer))
    token = tokens.mint("applicant", credit_code="91110108551385082Q")
    assert await check.verify(token) == Principal(
        "applicant-91110108551385082Q", "applicant", "91110108551385082Q"
    )
    assert (await check.verify(tokens.mint("reviewer"))).actor.model_dump() == {
        "id": "reviewer-wang",
        "role": "reviewer",
    }
    assert issuer.fetches == 1, "the key set is cached"


async def test_the_leeway_forgives_a_little_clock_skew_and_no_more(tokens: Tokens) -> None:
    check = verifier(url_keys(Issuer(tokens)), leeway=30)
    now = int(time.time())
    await check.verify(tokens.mint("reviewer", exp=now - 10))
    await check.verify(tokens.mint("reviewer", nbf=now + 10, iat=now + 10))
    with pytest.raises(Unauthenticated, match="expired"):
        await check.verify(tokens.mint("reviewer", exp=now - 60))


async def test_a_rotated_key_is_fetched_once_and_made_up_ones_wait_for_the_cooldown(
    tokens: Tokens, tmp_path: Path
) -> None:
    issuer = Issuer(tokens)
    clock = [1000.0]
    check = verifier(url_keys(issuer, cooldown=30, clock=lambda: clock[0]))
    await check.verify(tokens.mint("reviewer"))

    successor = local_issuer(tmp_path / "next", TEST_ISSUER, "qsfund")
    issuer.keys.append(successor.key.as_dict(private=False))
    with pytest.raises(Unauthenticated, match="not known"):
        await check.verify(successor.mint("reviewer", "reviewer-wang"))  # within the cooldown
    assert issuer.fetches == 1
    clock[0] += 31
    assert (await check.verify(successor.mint("reviewer", "reviewer-wang"))).role == "reviewer"
    assert issuer.fetches == 2
    clock[0] += 31
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await check.verify(tokens.by_unknown_key())
    assert issuer.fetches == 3, "one more fetch for the first unknown key, none after"


async def test_an_unreachable_issuer_is_a_503_not_a_bad_token(tokens: Tokens) -> None:
    issuer = Issuer(tokens)
    issuer.down = True
    with pytest.raises(KeysUnavailable) as refused:
        await verifier(url_keys(issuer)).verify(tokens.mint("reviewer"))
    assert refused.value.status == 503


async def test_production_refuses_a_development_key_even_from_the_issuer(
    tokens: Tokens, tmp_path: Path
) -> None:
    development = local_issuer(tmp_path / "dev", TEST_ISSUER, "qsfund")
    issuer = Issuer(tokens)
    issuer.keys = [development.key.as_dict(private=False)]
    check = verifier(url_keys(issuer, refuse_development_keys=True))
    with pytest.raises(Unauthenticated, match="not known"):
        await check.verify(development.mint("reviewer", "reviewer-wang"))


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({}, "QSFUND_AUTH_ISSUER"),
        ({"QSFUND_AUTH_ISSUER": "qsfund-local"}, "QSFUND_AUTH_ISSUER"),
        ({"QSFUND_AUTH_ISSUER": "https://sso.example.gov.cn"}, "QSFUND_AUTH_JWKS_URL"),
        (
            {"QSFUND_AUTH_ISSUER": "https://sso", "QSFUND_AUTH_JWKS_URL": "http://sso/jwks"},
            "QSFUND_AUTH_JWKS_URL",
        ),
        (
            {
                "QSFUND_AUTH_ISSUER": "https://sso",
                "QSFUND_AUTH_JWKS_URL": JWKS_URL,
                "QSFUND_AUTH_JWKS_FILE": ".qsfund/auth/jwks.json",
            },
            "QSFUND_AUTH_JWKS_FILE",
        ),
    ],
)
def test_production_refuses_to_start_without_the_issuers_keys(
    environment: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QSFUND_ENV", "production")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=named):
        AuthSettings()


def test_production_with_the_issuers_keys_verifies_against_its_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QSFUND_ENV", "production")
    monkeypatch.setenv("QSFUND_AUTH_ISSUER", "https://sso.example.gov.cn")
    monkeypatch.setenv("QSFUND_AUTH_JWKS_URL", JWKS_URL)
    settings = AuthSettings()
    assert build_verifier(settings).issuer == "https://sso.example.gov.cn"


@pytest.mark.parametrize("algorithms", ['["none"]', '["HS256"]', '["ES256", "none"]', "[]"])
def test_only_asymmetric_algorithms_may_be_allowed(
    algorithms: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QSFUND_AUTH_ALGORITHMS", algorithms)
    with pytest.raises(ValidationError, match="QSFUND_AUTH_ALGORITHMS"):
        AuthSettings()


@pytest.mark.parametrize("service", ["applications", "scoring", "notifications"])
def test_a_service_in_production_without_an_issuer_does_not_start(service: str) -> None:
    environment = {**os.environ, "QSFUND_ENV": "production"}
    environment.pop("QSFUND_AUTH_ISSUER", None)
    result = subprocess.run(
        [str(BIN / f"qsfund-{service}")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "QSFUND_AUTH_ISSUER must name the token issuer in production" in result.stderr


async def test_qsfund_token_creates_the_key_pair_and_mints_what_the_services_accept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QSFUND_HOME", str(tmp_path))
    monkeypatch.delenv("QSFUND_AUTH_JWKS_FILE", raising=False)
    monkeypatch.delenv("QSFUND_AUTH_ISSUER", raising=False)
    cli.main(["--role", "platform", "--sub", "chongqing-gov-platform"])
    token = capsys.readouterr().out.strip()

    private = tmp_path / "auth" / "private.jwk.json"
    assert private.stat().st_mode & 0o777 == 0o600
    published = json.loads((tmp_path / "auth" / "jwks.json").read_text())
    assert [set(key) & {"d"} for key in published["keys"]] == [set()], "public half only"
    assert published["keys"][0]["kid"].startswith("qsfund-dev-")

    check = build_verifier(AuthSettings())  # development: the local JWKS file, by default
    assert await check.verify(token) == Principal("chongqing-gov-platform", "platform")
    cli.main(["--role", "applicant", "--credit-code", "91110108551385082Q"])
    applicant = await check.verify(capsys.readouterr().out.strip())
    assert (applicant.subject, applicant.credit_code) == (
        "applicant-91110108551385082Q",
        "91110108551385082Q",
    )
    with pytest.raises(SystemExit):
        cli.main(["--role", "applicant"])  # no enterprise
