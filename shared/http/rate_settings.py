"""The settings of the limits per caller (shared/http/rate_limits.py), apart so that
AuthSettings can inherit them without importing the HTTP machinery."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class RateLimitSettings(BaseSettings):
    """Shared by every service (its settings inherit them through AuthSettings)."""

    # A person or platform: about 10 requests a second held for a minute.
    qsfund_rate_limit_per_subject: int = Field(default=600, ge=1)
    # An address calling without a token: the public list, objections, the probes.
    qsfund_rate_limit_per_address: int = Field(default=300, ge=1)
    qsfund_rate_limit_window_seconds: int = Field(default=60, ge=1, le=3600)
    qsfund_rate_limit_sync_seconds: float = Field(default=0.5, gt=0, le=60)
