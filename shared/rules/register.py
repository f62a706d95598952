"""The two rules of the program that the district's register decides, for intake, for
scoring at the decision and for the auditor alike:

(a) only an enterprise registered in the district, and not deregistered, on the day of
    the filing may file, and on the day of the decision be rewarded;
(b) an enterprise on the serious-dishonesty list at any time in the three years before
    the day (of the filing, of the decision) is excluded.

At the decision, a refusal becomes the non-award reason that names its rule
(`NON_AWARD_REASONS`), so the office counts them apart from a budget that ran out.

A listing runs from its `listed_on` to the day before its `removed_on` (the first day it
is no longer listed), or on, while it is not removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from shared.rules.allocation import Exclusion, Reason

EXCLUSION_YEARS = 3
Rule = Literal["registered_in_district", "not_on_dishonesty_list"]
# Of an allocation's reason codes (which say what happened to the claim), those the two
# rules give: the rule broken, as its negation.
NON_AWARD_REASONS: dict[Rule, Reason] = {
    "registered_in_district": "not_registered_in_district",
    "not_on_dishonesty_list": "on_dishonesty_list",
}


class Listing(Protocol):
    """A listing on the serious-dishonesty list, as the rules read it (a DishonestyEntry)."""

    @property
    def listed_on(self) -> date: ...
    @property
    def removed_on(self) -> date | None: ...
    @property
    def reference(self) -> str: ...


class Record(Protocol):
    """What the rules read of the register's record of an enterprise (a
    RegisteredEnterprise, or the auditor's leaner copy of one)."""

    @property
    def registered_on(self) -> date: ...
    @property
    def deregistered_on(self) -> date | None: ...
    @property
    def dishonesty(self) -> Sequence[Listing]: ...


@dataclass(frozen=True)
class Refusal:
    rule: Rule
    message: str


def registration_refusal(record: Record | None, on: date) -> Refusal | None:
    """Rule (a), on the day of the filing or of the decision; None when the enterprise
    may file, or be rewarded."""
    rule: Rule = "registered_in_district"
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


def dishonesty_refusal(entries: Iterable[Listing], decided_on: date) -> Refusal | None:
    """Rule (b), on the day of the filing or of the decision; None when no listing
    reaches into the three years before it."""
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


def refusal_on(record: Record | None, day: date) -> Refusal | None:
    """Both rules on one day (of a filing, of a decision): the first broken, or None."""
    refusal = registration_refusal(record, day)
    if refusal is not None or record is None:
        return refusal
    return dishonesty_refusal(record.dishonesty, day)


def barred_at_decision(
    records: Mapping[str, Record | None], decided_on: date
) -> dict[str, Exclusion]:
    """Of the enterprises an allocation decides on (by credit code, with the register's
    record of each as of the decision, or None where it holds none), those it may not
    reward, with the reason. Call it only when the register is in use: before its first
    load nobody is held to it."""
    barred = {}
    for credit_code, record in records.items():
        refusal = refusal_on(record, decided_on)
        if refusal is not None:
            barred[credit_code] = Exclusion(
                NON_AWARD_REASONS[refusal.rule],
                f"rule {refusal.rule} on {decided_on}: {refusal.message}",
            )
    return barred


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
