"""`POST /v1/revocations`: an operator, or the token issuer with a token of its own
(role operator), revokes one token or a subject's tokens. Served by the applications
service; recorded on the revocations topic, which every instance of every service reads
(shared/auth/revocation.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.http.problems import INVALID
from shared.http.timestamps import Timestamp

from .http import Caller
from .revocation import Revocation, revocation_of


class RevocationRequest(BaseModel):
    """One token by its `token_id` (the JWT's `jti`), or every token of `subject` issued
    before `issued_before` (default: now)."""

    model_config = ConfigDict(extra="forbid")

    token_id: str | None = Field(default=None, min_length=1, max_length=200)
    expires_at: Timestamp | None = Field(
        default=None,
        description="the token's exp, if known, as a timestamp (the JWT's exp counts "
        "seconds: 1782900000 is 2026-07-01T10:00:00Z): the list forgets it after",
    )
    subject: str | None = Field(default=None, min_length=1, max_length=200)
    issued_before: Timestamp | None = None
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_of_token_or_subject(self) -> Self:
        if (self.token_id is None) == (self.subject is None):
            raise ValueError("name either token_id (one token) or subject (its tokens), not both")
        if self.token_id is not None and self.issued_before is not None:
            raise ValueError("issued_before goes with subject, not with token_id")
        return self


class Revoked(BaseModel):
    revocation: Revocation


router = APIRouter(prefix="/v1", tags=["revocations"], responses=INVALID)


@router.post("/revocations", status_code=201)
async def revoke_tokens(body: RevocationRequest, caller: Caller, request: Request) -> Revoked:
    """Revoke a token or a subject's tokens: answered once the revocation is recorded on
    the broker; every service refuses the tokens within seconds."""
    revocation = revocation_of(
        token_id=body.token_id,
        expires_at=body.expires_at,
        subject=body.subject,
        issued_before=body.issued_before,
        reason=body.reason,
        revoked_by=f"{caller.subject} ({caller.role})",
        now=datetime.now(UTC),
    )
    broker = request.app.state.broker
    await broker.publish(
        revocation.model_dump_json().encode(),
        topic=request.app.state.revocations_topic,
        key=revocation.key().encode(),
    )
    return Revoked(revocation=revocation)
