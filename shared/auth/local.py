"""The development issuer: a key pair on disk and tokens signed with it, for the local
stack, the demo and the tests. Production refuses its keys (their ids say what they are)."""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

from .keys import DEVELOPMENT_KID_PREFIX
from .principal import Role
from .settings import LOCAL_AUDIENCE, LOCAL_ISSUER

ALGORITHM = "ES256"
PRIVATE_FILE, PUBLIC_FILE = "private.jwk.json", "jwks.json"


@dataclass(frozen=True)
class LocalIssuer:
    """Signs tokens as the development issuer with the private key in `directory`."""

    key: ECKey
    directory: Path
    issuer: str = LOCAL_ISSUER
    audience: str = LOCAL_AUDIENCE

    @property
    def jwks_file(self) -> Path:
        return self.directory / PUBLIC_FILE

    def mint(
        self,
        role: Role,
        subject: str,
        credit_code: str | None = None,
        ttl_seconds: int = 3600,
        **claims: Any,
    ) -> str:
        """A signed token for one role; `claims` add to or override the standard ones."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "role": role,
            "iat": now,
            "nbf": now,
            "exp": now + ttl_seconds,
            # Names this token alone, so that it can be revoked alone.
            "jti": str(uuid.uuid4()),
        }
        if credit_code is not None:
            body["credit_code"] = credit_code
        body |= claims
        header = {"alg": ALGORITHM, "kid": self.key.kid}
        return jwt.encode(header, body, self.key, algorithms=[ALGORITHM])


def local_issuer(
    directory: Path, issuer: str = LOCAL_ISSUER, audience: str = LOCAL_AUDIENCE
) -> LocalIssuer:
    """The key pair in `directory`, created on first use: the private key readable by
    its owner only, the public half as the JWKS file the services verify against."""
    private = directory / PRIVATE_FILE
    if not private.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = ECKey.generate_key("P-256", parameters={"alg": ALGORITHM, "use": "sig"})
        key = ECKey.import_key(
            {**key.as_dict(private=True), "kid": DEVELOPMENT_KID_PREFIX + key.thumbprint()[:16]}
        )
        temporary = directory / f".{PRIVATE_FILE}.{os.getpid()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(key.as_dict(private=True), out)
        # A second process creating its own pair at the same moment loses: link fails.
        try:
            os.link(temporary, private)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = ECKey.import_key(json.loads(private.read_text()))
    public = directory / PUBLIC_FILE
    published = {"keys": [key.as_dict(private=False)]}
    if not public.exists() or json.loads(public.read_text()) != published:
        # Renamed into place: a service reading the file never sees half of it.
        temporary = directory / f".{PUBLIC_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps(published, indent=2) + "\n")
        temporary.replace(public)
    return LocalIssuer(key, directory, issuer, audience)
