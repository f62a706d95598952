"""Objections (异议) to a published list: named, in writing, while the period runs. No
I/O here."""

from __future__ import annotations

from datetime import datetime

from shared.contracts.publicity import Objector
from shared.rules.credit_code import credit_code_problem

from .errors import InvalidInput, NotAllowedNow
from .rounds import FundingRound


def refuse_objection_at(round_: FundingRound, now: datetime) -> None:
    """Objections are taken only while the list is in publicity."""
    if round_.publicity_ends_at is None:
        raise NotAllowedNow(
            "round_id", "publicity_not_open", f"round {round_.id} has no list in publicity"
        )
    if now >= round_.publicity_ends_at:
        raise NotAllowedNow(
            "round_id",
            "publicity_ended",
            f"the publicity period of round {round_.id} ended at "
            f"{round_.publicity_ends_at.isoformat()}; objections are no longer taken",
        )


# Names that are no name: an objection must say who makes it.
_NO_NAME = frozenset({"anonymous", "anon", "n/a", "na", "none", "unknown", "-", "匿名", "无"})


def check_objector(objector: Objector) -> None:
    """Named objections only: an organisation by its valid credit code and an authorised
    person, a person by real name."""
    if objector.name.strip().casefold() in _NO_NAME:
        raise InvalidInput(
            "objector.name", "named", "anonymous objections are not accepted: give a real name"
        )
    if objector.kind == "person":
        return
    if objector.credit_code is None:
        raise InvalidInput(
            "objector.credit_code",
            "required",
            "an organisation objects under its unified social credit code",
        )
    problem = credit_code_problem(objector.credit_code)
    if problem:
        rule, _, message = problem.partition(": ")
        raise InvalidInput("objector.credit_code", rule, message)
    if not (objector.authorised_person or "").strip():
        raise InvalidInput(
            "objector.authorised_person",
            "required",
            "name the person authorised to object for the organisation",
        )
