"""A token verified once is taken on trust until it expires, and no longer: not past its
`exp` (and the leeway), not once the issuer has withdrawn the key that signed it, and the
trust is kept for a bounded number of tokens."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import Key

from shared.auth.cache import Verified, VerifiedTokens
from shared.auth.keys import KeyCache, jwks_url
from shared.auth.local import local_issuer
from shared.auth.principal import Principal, Unauthenticated
from shared.auth.verify import TokenVerifier
from tests.support.tokens import TEST_ISSUER, Tokens
from tests.unit.test_token_keys import JWKS_URL, Issuer


def checker(issuer: Issuer, clock: list[float], reload_after: float = 3600) -> TokenVerifier:
    keys = KeyCache(
        jwks_url(JWKS_URL, transport=httpx.MockTransport(issuer.handle)),
        max_age=reload_after,
        cooldown=0,
        clock=lambda: clock[0],
    )
    return TokenVerifier(
        keys,
        issuer=TEST_ISSUER,
        audience="qsfund",
        algorithms=["ES256"],
        leeway=30,
        clock=lambda: clock[0],
    )


async def test_a_token_verified_before_is_refused_once_it_expires(tokens: Tokens) -> None:
    now = time.time()
    clock = [now]
    check = checker(Issuer(tokens), clock)
    token = tokens.mint("reviewer", exp=int(now) + 60)
    assert (await check.verify(token)).role == "reviewer"
    clock[0] = now + 60 + 29  # within the leeway: still good, from the cache
    assert (await check.verify(token)).role == "reviewer"
    assert len(check.verified) == 1
    clock[0] = now + 60 + 31
    with pytest.raises(Unauthenticated, match="expired"):
        await check.verify(token)
    assert len(check.verified) == 0


async def test_a_token_whose_key_the_issuer_withdrew_is_refused_though_verified_before(
    tokens: Tokens, tmp_path: Path
) -> None:
    issuer = Issuer(tokens)
    clock = [time.time()]
    check = checker(issuer, clock, reload_after=60)
    token = tokens.mint("reviewer")
    await check.verify(token)
    # The key is found compromised: the issuer publishes only its successor.
    successor = local_issuer(tmp_path / "next", TEST_ISSUER, "qsfund")
    issuer.keys = [successor.key.as_dict(private=False)]
    clock[0] += 61  # the key set is reloaded at its age
    with pytest.raises(Unauthenticated, match="not known"):
        await check.verify(token)
    assert len(check.verified) == 0
    assert (await check.verify(successor.mint("reviewer", "reviewer-wang"))).role == "reviewer"


async def test_a_token_is_checked_again_after_the_keys_are_reloaded(tokens: Tokens) -> None:
    issuer = Issuer(tokens)
    clock = [time.time()]
    check = checker(issuer, clock, reload_after=60)
    token = tokens.mint("reviewer")
    await check.verify(token)
    clock[0] += 61
    assert (await check.verify(token)).role == "reviewer"
    assert issuer.fetches == 2


async def test_a_tampered_copy_of_a_trusted_token_is_not_trusted(tokens: Tokens) -> None:
    check = checker(Issuer(tokens), [time.time()])
    token = tokens.mint("reviewer")
    await check.verify(token)
    header, _, signature = token.split(".")
    forged = tokens.signed(role="program_officer").split(".")[1]
    with pytest.raises(Unauthenticated, match="signature"):
        await check.verify(f"{header}.{forged}.{signature}")


def test_the_least_recently_used_token_is_forgotten_first(tokens: Tokens) -> None:
    cache = VerifiedTokens(max_entries=2)
    key: Key = tokens.issuer.key
    entry = Verified(Principal("reviewer-wang", "reviewer"), None, key, good_until=100.0)
    first, second, third = (VerifiedTokens.digest(t) for t in ("a", "b", "c"))
    cache.put(first, entry)
    cache.put(second, entry)
    assert cache.get(first, now=0.0) is entry  # used: the second is now the oldest
    cache.put(third, entry)
    assert len(cache) == 2
    assert cache.get(second, now=0.0) is None
    assert cache.get(first, now=0.0) is entry
