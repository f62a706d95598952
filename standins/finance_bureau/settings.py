"""The stand-in's settings, from FINANCE_STANDIN_* variables.

Secrets: with neither FINANCE_STANDIN_INBOUND_SECRETS nor ..._OUTBOUND_SECRETS set, the
stand-in uses the development pair the payments service also defaults to, so the local
stack agrees without configuration. Setting only one of them is refused: a half-configured
pair is a mistake that would otherwise show up as every message refused with 401."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.payments.adapters.finance import (
    DEVELOPMENT_FROM_BUREAU_SECRET,
    DEVELOPMENT_TO_BUREAU_SECRET,
)

# The contract asks for at least 256 random bits; 32 characters is the least that can hold them.
MIN_SECRET_LENGTH = 32
Secrets = Annotated[list[str], NoDecode]


class StandInSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FINANCE_STANDIN_", extra="ignore", hide_input_in_errors=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=1, le=65535)
    # What qsfund signs its calls with, and what the stand-in signs its callbacks with:
    # comma lists, newest first (both are valid while a secret is replaced).
    inbound_secrets: Secrets = []
    outbound_secrets: Secrets = []
    callback_url: str = "http://127.0.0.1:8003/v1/finance/callbacks"
    # How long the 9903 account's first answer takes: past qsfund's 30 s read timeout.
    slow_seconds: float = Field(default=35.0, ge=0)
    callback_backoff_base_seconds: float = Field(default=1.0, gt=0)
    callback_backoff_cap_seconds: float = Field(default=300.0, gt=0)
    callback_give_up_hours: float = Field(default=72.0, gt=0)
    # The 9905 account's repeat of its paid callback comes this long after it was paid,
    # in the stand-in's clock (moved in tests by QSFUND_TEST_CLOCK_FILE).
    late_callback_seconds: float = Field(default=3600.0, ge=0)
    # How often it looks for late callbacks that have come due.
    tick_seconds: float = Field(default=1.0, gt=0)
    # The same clock file the services under test read, so both sides sign in one time.
    test_clock_file: str | None = Field(default=None, validation_alias="QSFUND_TEST_CLOCK_FILE")
    qsfund_env: str = Field(default="development", validation_alias="QSFUND_ENV")

    @field_validator("inbound_secrets", "outbound_secrets", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("inbound_secrets", "outbound_secrets")
    @classmethod
    def _long_enough(cls, secrets: list[str]) -> list[str]:
        if any(len(secret) < MIN_SECRET_LENGTH for secret in secrets):
            raise ValueError(f"each secret must have at least {MIN_SECRET_LENGTH} characters")
        return secrets

    @model_validator(mode="after")
    def _development_pair_or_both(self) -> StandInSettings:
        if self.qsfund_env == "production":
            raise ValueError("the finance stand-in pays nobody: never run it in production")
        if bool(self.inbound_secrets) != bool(self.outbound_secrets):
            raise ValueError(
                "set both FINANCE_STANDIN_INBOUND_SECRETS and FINANCE_STANDIN_OUTBOUND_SECRETS,"
                " or neither (the development pair)"
            )
        if not self.inbound_secrets:
            self.inbound_secrets = [DEVELOPMENT_TO_BUREAU_SECRET]
            self.outbound_secrets = [DEVELOPMENT_FROM_BUREAU_SECRET]
        return self
