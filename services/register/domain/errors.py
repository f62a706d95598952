"""Refusals of the register service, each naming the field and the rule."""

from __future__ import annotations

from dataclasses import dataclass


class RegisterError(Exception):
    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


class InvalidInput(RegisterError):
    """The request as a whole cannot be read (422)."""


class Conflicting(RegisterError):
    """The state forbids it: a load or list id used before for another body, a unit
    already decided (409)."""


class NotFound(RegisterError):
    """The register holds no such enterprise, list or unit (404)."""


@dataclass(frozen=True)
class Problem:
    field: str
    rule: str
    message: str


class Problems(InvalidInput):
    """Several problems at once (422): an official list's every bad entry. `total` counts
    those not listed too."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        first = problems[0] if problems else Problem("body", "invalid", "the list is refused")
        count = len(problems) if total is None else total
        super().__init__(first.field, first.rule, f"the list is refused whole: {count} problem(s)")
        self.problems = problems
        self.total = count
