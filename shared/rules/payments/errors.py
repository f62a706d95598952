"""Why a payment command was refused, named by field and rule."""

from __future__ import annotations


class PaymentError(Exception):
    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


class InvalidInput(PaymentError):
    """The request itself breaks a rule (HTTP 422)."""


class NotAllowedNow(PaymentError):
    """Well-formed, but the award's state forbids it (HTTP 409)."""


class Conflicting(PaymentError):
    """The finance bureau reports something that contradicts what is recorded: nothing
    changes and an operator reconciles (HTTP 409 to the bureau, never retried)."""
