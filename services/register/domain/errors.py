"""Refusals of the register service, each naming the field and the rule."""

from __future__ import annotations


class RegisterError(Exception):
    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


class InvalidInput(RegisterError):
    """The request as a whole cannot be read (422)."""


class Conflicting(RegisterError):
    """The load id was used before for other rows (409)."""


class NotFound(RegisterError):
    """The register holds no such enterprise (404)."""
