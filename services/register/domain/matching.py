"""Which enterprise of the register a unit of an official list is, and why: by the credit
code when the list gives one (the code is the identity, whatever name the list spells),
else by exact name, current before former. More than one enterprise fits: ambiguous, for
a person; none: unmatched. Never guessed.

Each reason is `rule: words`, the rule stable (`credit_code`, `name`, `former_name`,
`several_enterprises`, `not_in_register`, `deregistered`, `name_not_in_register`,
`registered_after`) so the office can count them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.contracts.lists import ListEntry, MatchedBy, NamedUnit, UnitMatch

# Written by name: ruff (rightly) flags the characters themselves as look-alikes.
FULL_WIDTH_BRACKETS = "\N{FULLWIDTH LEFT PARENTHESIS}\N{FULLWIDTH RIGHT PARENTHESIS}"
_OPEN, _CLOSE = FULL_WIDTH_BRACKETS[0], FULL_WIDTH_BRACKETS[1]
# The contract lists at most this many candidates; the reason says how many there were.
MAX_CANDIDATES = 20


def fold(name: str) -> str:
    """A name as compared: trimmed, with full-width brackets as half-width ones (Chinese
    names mix both). Nothing else: two names that differ otherwise are two names."""
    # Two replaces, not str.translate: a tenth of the cost, over 100,000 names a list.
    return name.strip().replace(_OPEN, "(").replace(_CLOSE, ")")


@dataclass(frozen=True, slots=True)
class Registered:
    """What matching needs of an enterprise's record in the register."""

    credit_code: str
    name: str
    former_names: tuple[str, ...]
    registered_on: date
    deregistered_on: date | None


class RegisterIndex:
    """The register (or the part of it a list names) by code, folded name and folded
    former name."""

    def __init__(self, records: Iterable[Registered]) -> None:
        self.by_code: dict[str, Registered] = {}
        self.by_name: dict[str, list[Registered]] = defaultdict(list)
        self.by_former: dict[str, list[Registered]] = defaultdict(list)
        for record in records:
            self.by_code[record.credit_code] = record
            self.by_name[fold(record.name)].append(record)
            for former in {fold(name) for name in record.former_names}:
                self.by_former[former].append(record)


def units_of(entry: ListEntry) -> list[NamedUnit]:
    """The units an entry names, in its order: a standard's drafting units, an award's
    winner, a pilot project's undertakers."""
    if entry.kind == "standard":
        return entry.drafting_units
    if entry.kind == "award":
        return [entry.winner]
    return entry.units


def day_of(entry: ListEntry) -> date:
    """The day the achievement happened: published, conferred, accepted."""
    if entry.kind == "standard":
        return entry.published_on
    if entry.kind == "award":
        return entry.conferred_on
    return entry.accepted_on


def match_entries(index: RegisterIndex, entries: list[ListEntry], today: date) -> list[UnitMatch]:
    """Every unit of every entry (numbered from 1), in order."""
    return [
        match_unit(index, number, position, unit, day_of(entry), today)
        for number, entry in enumerate(entries, start=1)
        for position, unit in enumerate(units_of(entry))
    ]


def match_unit(
    index: RegisterIndex, entry: int, unit: int, named: NamedUnit, day: date, today: date
) -> UnitMatch:
    """One unit's match. `day` is the entry's: a name is only that of enterprises
    registered by then (a name is reused once its holder is gone). `today` decides who
    is deregistered."""
    found = _Found(entry, unit, today)
    if named.credit_code is not None:
        record = index.by_code.get(named.credit_code)
        if record is None:
            return found.unmatched(
                f"not_in_register: the register holds no enterprise of credit code "
                f"{named.credit_code}"
            )
        words = "the list gives its credit code"
        if fold(record.name) != fold(named.name):
            words += f"; the register names it {record.name}, the list {named.name}"
        return found.one(record, "credit_code", words)
    name = fold(named.name)
    current = [r for r in index.by_name.get(name, ()) if r.registered_on <= day]
    if current:
        return found.among(current, "name", f"named {named.name}")
    former = [r for r in index.by_former.get(name, ()) if r.registered_on <= day]
    if former:
        return found.among(former, "former_name", f"formerly named {named.name}")
    if name in index.by_name or name in index.by_former:
        return found.unmatched(
            f"registered_after: the enterprises named {named.name} were registered after "
            f"{day.isoformat()}, the entry's day"
        )
    return found.unmatched(
        f"name_not_in_register: the register names no enterprise {named.name}, now or formerly"
    )


@dataclass(frozen=True, slots=True)
class _Found:
    entry: int
    unit: int
    today: date

    def among(self, records: list[Registered], by: MatchedBy, named: str) -> UnitMatch:
        if len(records) == 1:
            return self.one(records[0], by, f"the one enterprise {named}")
        codes = sorted(r.credit_code for r in records)
        listed = "" if len(codes) <= MAX_CANDIDATES else f" (the first {MAX_CANDIDATES} listed)"
        return UnitMatch.model_construct(
            entry=self.entry,
            unit=self.unit,
            outcome="ambiguous",
            credit_code=None,
            by=None,
            candidates=codes[:MAX_CANDIDATES],
            reason=f"several_enterprises: {len(codes)} enterprises {named}{listed}; "
            "a person decides",
        )

    def one(self, record: Registered, by: MatchedBy, words: str) -> UnitMatch:
        gone = record.deregistered_on
        if gone is not None and gone <= self.today:
            return self.unmatched(
                f"deregistered: {record.credit_code} ({words}) was deregistered on "
                f"{gone.isoformat()}"
            )
        return UnitMatch.model_construct(
            entry=self.entry,
            unit=self.unit,
            outcome="matched",
            credit_code=record.credit_code,
            by=by,
            candidates=[],
            reason=f"{by}: {words}",
        )

    def unmatched(self, reason: str) -> UnitMatch:
        return UnitMatch.model_construct(
            entry=self.entry,
            unit=self.unit,
            outcome="unmatched",
            credit_code=None,
            by=None,
            candidates=[],
            reason=reason,
        )
