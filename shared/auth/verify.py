"""A bearer token in, a Principal out, or a refusal that says which check failed."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any, get_args

from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwt import JWTClaimsRegistry

from .cache import Verified, VerifiedTokens
from .keys import KeyCache, jwks_file, jwks_url
from .principal import Principal, Role, Unauthenticated
from .settings import AuthSettings

# Tokens are a few hundred bytes; a megabyte of "token" is an attack on the parser.
MAX_TOKEN_LENGTH = 8192
_CLAIM_RULES = {
    "iss": ("token_issuer", "the token was issued by someone else"),
    "aud": ("token_audience", "the token is meant for another audience"),
    "nbf": ("token_not_yet_valid", "the token is not valid yet"),
    "iat": ("token_not_yet_valid", "the token was issued in the future"),
    "role": ("token_role_unknown", f"the token's role is none of {list(get_args(Role))}"),
}


class TokenVerifier:
    def __init__(
        self,
        keys: KeyCache,
        *,
        issuer: str,
        audience: str,
        algorithms: Collection[str],
        leeway: int,
        clock: Callable[[], float] = time.time,
        verified: VerifiedTokens | None = None,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = list(algorithms)
        self.leeway = leeway
        self.clock = clock
        self.verified = verified if verified is not None else VerifiedTokens()

    async def verify(self, token: str) -> Principal:
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("token_malformed", "the token is too long")
        digest = self.verified.digest(token)
        known = self.verified.get(digest, self.clock())
        if known is not None:
            try:
                still = await self.keys.key(known.kid) is known.key
            except Unauthenticated:  # the issuer no longer publishes the key
                self.verified.forget(digest)
                raise
            if still:
                return known.principal
            self.verified.forget(digest)  # the keys were reloaded: check it again
        principal, verified = await self._verify(token)
        self.verified.put(digest, verified)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, Verified]:
        try:
            header = jws.extract_compact(token.encode()).headers()
        except (JoseError, ValueError) as error:
            raise Unauthenticated("token_malformed", "the token is not a signed JWT") from error
        # Checked before any key is looked up: "none" and symmetric algorithms never reach
        # the signature check, whatever the library's defaults.
        if header.get("alg") not in self.algorithms:
            raise Unauthenticated(
                "token_algorithm",
                f"the token's algorithm {header.get('alg')!r} is not one of {self.algorithms}",
            )
        key = await self.keys.key(header.get("kid"))
        if key.alg is not None and key.alg != header["alg"]:
            raise Unauthenticated("token_algorithm", "the token's algorithm is not its key's")
        try:
            claims = jwt.decode(token, key, algorithms=[header["alg"]]).claims
        except BadSignatureError as error:
            raise Unauthenticated("token_signature", "the token's signature is wrong") from error
        except (JoseError, ValueError) as error:
            raise Unauthenticated("token_malformed", "the token cannot be read") from error
        self._check_claims(claims)
        principal = _principal(claims)
        good_until = float(claims["exp"]) + self.leeway
        return principal, Verified(principal, header.get("kid"), key, good_until)

    def _check_claims(self, claims: dict[str, Any]) -> None:
        registry = JWTClaimsRegistry(
            now=int(self.clock()),
            leeway=self.leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            role={"essential": True, "values": list(get_args(Role))},
        )
        try:
            registry.validate(claims)
        except ExpiredTokenError as error:
            raise Unauthenticated("token_expired", "the token has expired") from error
        except MissingClaimError as error:
            message = f"the token lacks the claim(s) {error.claim}"
            raise Unauthenticated("token_claim_missing", message) from error
        except ClaimError as error:
            rule, message = _CLAIM_RULES.get(
                error.claim, ("token_claim_invalid", f"the token's {error.claim!r} is not valid")
            )
            raise Unauthenticated(rule, message) from error


def _principal(claims: dict[str, Any]) -> Principal:
    role: Role = claims["role"]
    subject = claims["sub"]
    if not 0 < len(subject) <= 200:
        raise Unauthenticated("token_claim_invalid", "the token's subject is empty or too long")
    credit_code = claims.get("credit_code")
    if role == "applicant":
        if not isinstance(credit_code, str) or len(credit_code) != 18:
            message = "an applicant's token names its enterprise's 18-character credit_code"
            raise Unauthenticated("token_claim_missing", message)
    else:
        credit_code = None
    jti = claims.get("jti")
    return Principal(
        subject,
        role,
        credit_code,
        token_id=jti if isinstance(jti, str) and 0 < len(jti) <= 200 else None,
        issued_at=int(claims["iat"]),
        expires_at=int(claims["exp"]),
    )


def build_verifier(settings: AuthSettings) -> TokenVerifier:
    """Keys from the issuer's URL when one is set (always, in production), else the file."""
    if settings.qsfund_auth_jwks_url:
        load = jwks_url(settings.qsfund_auth_jwks_url)
    else:
        load = jwks_file(settings.jwks_file)
    return TokenVerifier(
        KeyCache(load, refuse_development_keys=settings.production),
        issuer=settings.issuer,
        audience=settings.qsfund_auth_audience,
        algorithms=settings.qsfund_auth_algorithms,
        leeway=settings.qsfund_auth_leeway_seconds,
    )
