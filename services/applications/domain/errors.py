"""Why a command was refused, named by field and rule so a platform can act on it."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


class InvalidInput(DomainError):
    """The request itself breaks a rule (HTTP 422)."""


class NotAllowedNow(DomainError):
    """The request is well-formed but the current state forbids it (HTTP 409)."""


class NotFound(DomainError):
    """The thing named does not exist (HTTP 404)."""


class TooMany(DomainError):
    """The caller sent more than its share; it may try again after `retry_after` seconds
    (HTTP 429)."""

    def __init__(self, field: str, rule: str, message: str, retry_after: int) -> None:
        super().__init__(field, rule, message)
        self.retry_after = retry_after
