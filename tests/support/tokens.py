"""Tokens for the tests: a key pair of the tests' own, whose JWKS file the test stack's
services verify against, and the forgeries every service must refuse."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, OctKey

from shared.auth.local import ALGORITHM, LocalIssuer, local_issuer
from shared.auth.principal import Role

TEST_ISSUER = "qsfund-test"
AUDIENCE = "qsfund"
PLATFORM = "chongqing-gov-platform"
SUBJECTS: dict[Role, str] = {
    "platform": PLATFORM,
    "reviewer": "reviewer-wang",
    "program_officer": "officer-li",
    "auditor": "auditor-sun",
    "operator": "operator-zhao",
}


class Tokens:
    """Mints for any role; `env` points a service at this issuer."""

    def __init__(self, directory: Path) -> None:
        self.issuer: LocalIssuer = local_issuer(directory, TEST_ISSUER, AUDIENCE)

    @property
    def env(self) -> dict[str, str]:
        return {
            "QSFUND_AUTH_JWKS_FILE": str(self.issuer.jwks_file),
            "QSFUND_AUTH_ISSUER": TEST_ISSUER,
        }

    def mint(
        self, role: Role, sub: str | None = None, credit_code: str | None = None, **claims: Any
    ) -> str:
        subject = sub or (f"applicant-{credit_code}" if role == "applicant" else SUBJECTS[role])
        return self.issuer.mint(role, subject, credit_code, ttl_seconds=7200, **claims)

    def headers(
        self, role: Role, sub: str | None = None, credit_code: str | None = None, **claims: Any
    ) -> dict[str, str]:
        return bearer(self.mint(role, sub, credit_code, **claims))

    def applicant(self, credit_code: str) -> dict[str, str]:
        return self.headers("applicant", credit_code=credit_code)

    def signed(self, **claims: Any) -> str:
        """Any claims at all (a reviewer's by default), properly signed with our key."""
        header = {"alg": ALGORITHM, "kid": self.issuer.key.kid}
        return jwt.encode(header, self._claims(**claims), self.issuer.key, algorithms=[ALGORITHM])

    def forged(self, **claims: Any) -> str:
        """Signed by another key that claims to be ours (same key id)."""
        stranger = ECKey.generate_key("P-256", parameters={"alg": ALGORITHM})
        header = {"alg": ALGORITHM, "kid": self.issuer.key.kid}
        return jwt.encode(header, self._claims(**claims), stranger, algorithms=[ALGORITHM])

    def by_unknown_key(self, **claims: Any) -> str:
        """Well signed, by a key the issuer does not publish (or has rotated away)."""
        stranger = ECKey.generate_key("P-256", parameters={"alg": ALGORITHM}, auto_kid=True)
        header = {"alg": ALGORITHM, "kid": stranger.kid}
        return jwt.encode(header, self._claims(**claims), stranger, algorithms=[ALGORITHM])

    def unsigned(self, **claims: Any) -> str:
        """`alg: none`, no signature: the oldest trick."""
        header = _segment({"alg": "none", "typ": "JWT", "kid": self.issuer.key.kid})
        return f"{header}.{_segment(self._claims(**claims))}."

    def hmac_with_public_key(self, **claims: Any) -> str:
        """HS256 keyed with our public key's JSON: the algorithm-confusion attack."""
        secret = OctKey.import_key(json.dumps(self.issuer.key.as_dict(private=False)).encode())
        header = {"alg": "HS256", "kid": self.issuer.key.kid}
        return jwt.encode(header, self._claims(**claims), secret, algorithms=["HS256"])

    def _claims(self, **claims: Any) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": TEST_ISSUER,
            "aud": AUDIENCE,
            "sub": "reviewer-wang",
            "role": "reviewer",
            "iat": now,
            "exp": now + 600,
            **claims,
        }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
