"""The caller a verified token names: a subject, one role and, for an applicant, the
enterprise it is bound to. No I/O: handlers and queries scope their work by it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from shared.envelope import Actor

Role = Literal["applicant", "platform", "reviewer", "program_officer", "auditor", "operator"]
ROLES: tuple[Role, ...] = get_args(Role)


@dataclass(frozen=True)
class Principal:
    """A verified caller. `credit_code` is set for applicants only: their enterprise."""

    subject: str
    role: Role
    credit_code: str | None = None
    # The token's `jti` (if the issuer gives one), `iat` and `exp`: what a revocation
    # names (shared/auth/revocation.py). Of the token, not of who the caller is: two
    # tokens of one caller are the same principal.
    token_id: str | None = field(default=None, compare=False)
    issued_at: int = field(default=0, compare=False)
    expires_at: int = field(default=0, compare=False)

    @property
    def actor(self) -> Actor:
        """Who the events this caller causes name as their actor."""
        return Actor(id=self.subject, role=self.role)


class AuthError(Exception):
    """A refusal on the caller's identity or rights, with a stable rule code."""

    status = 401

    def __init__(self, rule: str, message: str, field: str = "authorization") -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field


class Unauthenticated(AuthError):
    """No token, or one we cannot trust: 401, the caller should get a new token."""

    status = 401


class Forbidden(AuthError):
    """A trusted caller asks for what its role or binding does not allow: 403."""

    status = 403


class KeysUnavailable(AuthError):
    """The issuer's keys could not be fetched: 503, nothing is wrong with the token."""

    status = 503
