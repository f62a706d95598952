"""Tokens already verified, so that a caller's next requests with the same token skip
the signature check (an ECDSA verification and the JWT's parsing: most of what a read
costs). Keyed by the token's SHA-256, never the token itself, and bounded: the least
recently used go first.

An entry is good until the token's `exp` (with the leeway the full check allows), and
only while the issuer still publishes the key that signed it: a key withdrawn from the
JWKS (a compromise) ends every entry it signed at the next reload of the keys.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from joserfc.jwk import Key

from .principal import Principal

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Verified:
    principal: Principal
    kid: str | None
    key: Key  # the key object that verified it, as the key cache held it then
    good_until: float  # the token's exp plus the leeway, in the verifier's clock


class VerifiedTokens:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[bytes, Verified] = OrderedDict()
        self._max_entries = max_entries

    @staticmethod
    def digest(token: str) -> bytes:
        return hashlib.sha256(token.encode()).digest()

    def get(self, digest: bytes, now: float) -> Verified | None:
        """The verification of this token if it still holds at `now`; the caller checks
        that its key is still the issuer's."""
        found = self._entries.get(digest)
        if found is None:
            return None
        if now > found.good_until:
            del self._entries[digest]
            return None
        # Where token revocation would go: a token (its jti) or a subject revoked after
        # it was verified must be looked up here, before a cached principal is trusted
        # again, as well as in the full check (shared/auth/verify.py).
        self._entries.move_to_end(digest)
        return found

    def put(self, digest: bytes, verified: Verified) -> None:
        self._entries[digest] = verified
        self._entries.move_to_end(digest)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def forget(self, digest: bytes) -> None:
        self._entries.pop(digest, None)

    def __len__(self) -> int:
        return len(self._entries)
