"""What a revocation refuses (shared/auth/revocation.py), and what a request to revoke
must name (shared/auth/revocation_http.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.auth.principal import Principal
from shared.auth.revocation import RevocationList, revocation_of
from shared.auth.revocation_http import RevocationRequest

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
T = int(NOW.timestamp())


def token(subject: str = "platform-cq", jti: str | None = "t-1", iat: int = T - 60) -> Principal:
    return Principal(subject, "platform", token_id=jti, issued_at=iat, expires_at=iat + 3600)


def revoke(**fields: object) -> RevocationList:
    revoked = RevocationList()
    defaults: dict[str, object] = {
        "token_id": None,
        "expires_at": None,
        "subject": None,
        "issued_before": None,
        "reason": "stolen laptop",
        "revoked_by": "operator-zhou (operator)",
        "now": NOW,
    }
    revoked.apply(revocation_of(**(defaults | fields)))  # type: ignore[arg-type]
    return revoked


def test_a_revoked_token_is_refused_and_the_subjects_other_tokens_are_not() -> None:
    revoked = revoke(token_id="t-1")
    assert revoked.refusal(token(jti="t-1")) == "this token was revoked"
    assert revoked.refusal(token(jti="t-2")) is None
    assert revoked.refusal(token(jti=None)) is None


def test_a_subject_revoked_loses_the_tokens_issued_before_and_keeps_those_after() -> None:
    revoked = revoke(subject="platform-cq")
    assert revoked.refusal(token(iat=T - 1)) is not None
    assert revoked.refusal(token(iat=T)) is None
    assert revoked.refusal(token(subject="platform-sh", iat=T - 1)) is None


def test_a_later_revocation_never_shortens_an_earlier_ones_reach() -> None:
    revoked = revoke(subject="platform-cq")
    revoked.apply(
        revocation_of(
            token_id=None,
            expires_at=None,
            subject="platform-cq",
            issued_before=datetime(2026, 1, 1, tzinfo=UTC),
            reason="older",
            revoked_by="x",
            now=NOW,
        )
    )
    assert revoked.refusal(token(iat=T - 1)) is not None


def test_a_revoked_token_is_forgotten_once_it_has_expired_anyway() -> None:
    revoked = revoke(token_id="t-1", expires_at=NOW)
    revoked.forget_expired(T - 1)
    assert "t-1" in revoked.tokens
    revoked.forget_expired(T + 1)
    assert revoked.tokens == {}


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "neither"},
        {"token_id": "t", "subject": "s", "reason": "both"},
        {"token_id": "t", "issued_before": NOW.isoformat(), "reason": "moment with a token"},
        {"subject": "s", "reason": ""},
    ],
)
def test_a_request_names_a_token_or_a_subject_and_a_reason(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RevocationRequest.model_validate(body)
