"""The two rules of the program that the district's register decides, for intake, for
scoring at the decision and for the auditor alike:

(a) only an enterprise registered in the district, and not deregistered, on the day of
    the filing may be rewarded;
(b) an enterprise on the serious-dishonesty list at any time in the three years before
    the decision is excluded.

A listing runs from its `listed_on` to the day before its `removed_on` (the first day it
is no longer listed), or on, while it is not removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.contracts.register import DishonestyEntry, RegisteredEnterprise

EXCLUSION_YEARS = 3


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str


def registration_refusal(record: RegisteredEnterprise | None, on: date) -> Refusal | None:
    """Rule (a), on the day of the filing; None when the enterprise may file."""
    rule = "registered_in_district"
    if record is None:
        return Refusal(rule, "the enterprise is not in the district's register")
    if record.registered_on > on:
        return Refusal(
            rule,
            f"the enterprise was registered in the district on {record.registered_on}, after {on}",
        )
    if record.deregistered_on is not None and record.deregistered_on <= on:
        return Refusal(rule, f"the enterprise was deregistered on {record.deregistered_on}")
    return None


def dishonesty_refusal(entries: Iterable[DishonestyEntry], decided_on: date) -> Refusal | None:
    """Rule (b), on the day of the decision; None when no listing reaches into the three
    years before it."""
    since = years_before(decided_on, EXCLUSION_YEARS)
    for entry in sorted(entries, key=lambda e: e.listed_on, reverse=True):
        if entry.listed_on <= decided_on and (entry.removed_on is None or entry.removed_on > since):
            until = f"removed on {entry.removed_on}" if entry.removed_on else "still listed"
            return Refusal(
                "not_on_dishonesty_list",
                f"on the serious-dishonesty list from {entry.listed_on} ({until}; "
                f"{entry.reference}): excluded for {EXCLUSION_YEARS} years",
            )
    return None


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
