"""Where the services take their token issuer's keys from, and what they refuse in
production: the development key, a missing issuer, keys not fetched from the issuer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from shared.clock import Clock, clock_from
from shared.http.rate_settings import RateLimitSettings

REPO = Path(__file__).resolve().parents[2]
LOCAL_ISSUER = "qsfund-local"
LOCAL_AUDIENCE = "qsfund"
# Asymmetric only: with a symmetric algorithm (HS256) a public key would become a shared
# secret anyone can sign with; "none" signs nothing.
SUPPORTED_ALGORITHMS = frozenset(
    {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"}
)


def qsfund_home() -> Path:
    """The local stack's data folder, as deploy/local/services.sh finds it."""
    return Path(os.environ.get("QSFUND_HOME") or REPO / ".qsfund").resolve()


def local_jwks_file() -> Path:
    return qsfund_home() / "auth" / "jwks.json"


class AuthSettings(RateLimitSettings):
    # A refusal names the setting; echoing the input would print every other setting
    # too, database passwords included, into the logs.
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    qsfund_env: Literal["development", "production"] = "development"
    qsfund_auth_issuer: str | None = None
    qsfund_auth_audience: str = LOCAL_AUDIENCE
    qsfund_auth_jwks_url: str | None = None
    qsfund_auth_jwks_file: Path | None = None
    qsfund_auth_algorithms: list[str] = ["ES256", "RS256"]
    qsfund_auth_leeway_seconds: int = Field(default=30, ge=0, le=300)
    # Moves the services' clock in tests of what takes days (shared/clock.py).
    qsfund_test_clock_file: str | None = None

    @field_validator("qsfund_auth_algorithms")
    @classmethod
    def _asymmetric_only(cls, algorithms: list[str]) -> list[str]:
        refused = sorted(set(algorithms) - SUPPORTED_ALGORITHMS)
        if refused or not algorithms:
            raise ValueError(
                f"QSFUND_AUTH_ALGORITHMS: {refused or 'none given'} not allowed; "
                f"choose from {sorted(SUPPORTED_ALGORITHMS)}"
            )
        return algorithms

    @model_validator(mode="after")
    def _production_needs_the_issuers_keys(self) -> AuthSettings:
        if self.qsfund_env != "production":
            return self
        if self.qsfund_test_clock_file:
            raise ValueError("QSFUND_TEST_CLOCK_FILE moves the clock; never in production")
        if not self.qsfund_auth_issuer or self.qsfund_auth_issuer == LOCAL_ISSUER:
            raise ValueError("QSFUND_AUTH_ISSUER must name the token issuer in production")
        if self.qsfund_auth_jwks_file is not None:
            raise ValueError(
                "QSFUND_AUTH_JWKS_FILE is the development key; production verifies tokens "
                "against the issuer's QSFUND_AUTH_JWKS_URL"
            )
        if not self.qsfund_auth_jwks_url:
            raise ValueError("QSFUND_AUTH_JWKS_URL must give the issuer's keys in production")
        if not self.qsfund_auth_jwks_url.startswith("https://"):
            raise ValueError("QSFUND_AUTH_JWKS_URL must be an https:// URL in production")
        return self

    @property
    def clock(self) -> Clock:
        """The clock every decision and event of the service is stamped by."""
        return clock_from(self.qsfund_test_clock_file)

    @property
    def production(self) -> bool:
        return self.qsfund_env == "production"

    @property
    def issuer(self) -> str:
        return self.qsfund_auth_issuer or LOCAL_ISSUER

    @property
    def jwks_file(self) -> Path:
        """In development, the key pair `qsfund-token` and `make up` create by default."""
        return self.qsfund_auth_jwks_file or local_jwks_file()
