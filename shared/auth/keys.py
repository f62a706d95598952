"""The issuer's public keys, as a JWKS: fetched from its URL in production, read from a
file for the local stack and the tests; cached, and loaded again when a token names a key
we do not have (the issuer rotated), at most once per cooldown so that tokens with made-up
key ids cannot make us hammer the issuer."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from .principal import KeysUnavailable, Unauthenticated

log = logging.getLogger(__name__)

# Key ids of keys made by `qsfund-token`; production refuses them wherever they appear.
DEVELOPMENT_KID_PREFIX = "qsfund-dev-"

Load = Callable[[], Awaitable[dict[str, Any]]]


class KeyCache:
    """One key set, kept for `max_age` seconds and loaded again early for an unknown key
    id; never loaded twice within `cooldown` seconds, whatever the tokens say."""

    def __init__(
        self,
        load: Load,
        *,
        max_age: float = 3600,
        cooldown: float = 30,
        refuse_development_keys: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._max_age = max_age
        self._cooldown = cooldown
        self._refuse_development_keys = refuse_development_keys
        self._clock = clock
        self._keys: dict[str, Key] = {}
        self._loaded_at: float | None = None
        self._tried_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> Key:
        """The key a token names by `kid` (or the only key, when it names none)."""
        if self._loaded_at is None or self._clock() - self._loaded_at > self._max_age:
            await self._reload()
        found = self._pick(kid)
        if found is None and await self._reload():
            found = self._pick(kid)
        if found is None:
            raise Unauthenticated("token_key_unknown", f"the token's key {kid!r} is not known")
        return found

    def _pick(self, kid: str | None) -> Key | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    async def _reload(self) -> bool:
        """Load the set again; False when it was tried too recently or failed with keys
        at hand (a stale set beats none while the issuer is unreachable)."""
        async with self._lock:
            now = self._clock()
            if self._tried_at is not None and now - self._tried_at < self._cooldown:
                if self._loaded_at is None:
                    message = "the token issuer's keys are unavailable"
                    raise KeysUnavailable("keys_unavailable", message)
                return False
            self._tried_at = now
            try:
                keys = KeySet.import_key_set(await self._load())  # type: ignore[arg-type]
            except (OSError, ValueError, KeyError, TypeError, JoseError, httpx.HTTPError) as error:
                if self._loaded_at is None:
                    # The detail goes to the log, not to whoever sent the token.
                    log.error("issuer keys cannot be loaded: %s", error)
                    message = "the token issuer's keys cannot be loaded; try again later"
                    raise KeysUnavailable("keys_unavailable", message) from error
                log.warning("issuer keys not reloaded, keeping the last ones: %s", error)
                return False
            self._keys = self._usable(keys)
            self._loaded_at = now
            return True

    def _usable(self, keys: KeySet) -> dict[str, Key]:
        usable: dict[str, Key] = {}
        for key in keys:
            kid = key.kid or key.thumbprint()
            if key.is_private:
                log.error("issuer key %s publishes its private half; not used", kid)
            elif key.get("use", "sig") != "sig":
                continue
            elif self._refuse_development_keys and kid.startswith(DEVELOPMENT_KID_PREFIX):
                log.error("issuer key %s is a qsfund development key; refused in production", kid)
            else:
                usable[kid] = key
        return usable


def jwks_file(path: Path) -> Load:
    """The local stack's and the tests' keys: a JWKS file `qsfund-token` writes."""

    def read() -> dict[str, Any]:
        if not path.exists():
            raise FileNotFoundError(
                f"no JWKS at {path}: run `qsfund-token --init` (make up does) "
                "or set QSFUND_AUTH_JWKS_FILE"
            )
        document: dict[str, Any] = json.loads(path.read_text())
        return document

    async def load() -> dict[str, Any]:
        return await asyncio.to_thread(read)

    return load


def jwks_url(
    url: str, timeout: float = 5, transport: httpx.AsyncBaseTransport | None = None
) -> Load:
    """The issuer's published keys. A client per fetch: fetches are rare (at start,
    hourly, after a rotation), so no pool outlives them."""

    async def load() -> dict[str, Any]:
        async with httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, transport=transport
        ) as client:
            response = await client.get(url, headers={"accept": "application/json"})
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document

    return load
