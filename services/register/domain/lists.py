"""An official list's events, and a person's resolution of a unit the rules left open.
The list's receipt comes first, then its entries in batches, then the matches of all its
units in batches: one stream, written in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts import Contract
from shared.contracts.lists import (
    ENTRIES_BATCH_SIZE,
    MATCHES_BATCH_SIZE,
    NumberedEntry,
    OfficialListEntries,
    OfficialListMatched,
    OfficialListReceived,
    OfficialListUnitResolved,
    UnitMatch,
)
from shared.rules.credit_code import credit_code_problem

from .batches import batches
from .errors import Conflicting, InvalidInput
from .matching import Registered, units_of
from .official_list import OfficialList


def received(
    taken: OfficialList, submitted_by: str, sha256: str, matches: list[UnitMatch]
) -> list[Contract]:
    """The list's events; checked and matched already, so built without validating again."""
    numbered = [
        NumberedEntry.model_construct(number=number, entry=entry)
        for number, entry in enumerate(taken.entries, start=1)
    ]
    entries = batches(numbered, ENTRIES_BATCH_SIZE, _entry_bytes)
    matched = batches(matches, MATCHES_BATCH_SIZE, _match_bytes)
    head = OfficialListReceived(
        list_id=taken.list_id,
        kind=taken.kind,
        title=taken.title,
        submitted_by=submitted_by,
        sha256=sha256,
        entries=len(numbered),
        batches=len(entries),
    )
    return [
        head,
        *(
            OfficialListEntries.model_construct(list_id=taken.list_id, batch=n, entries=batch)
            for n, batch in enumerate(entries, start=1)
        ),
        *(
            OfficialListMatched.model_construct(
                list_id=taken.list_id, batch=n, batches=len(matched), matches=batch
            )
            for n, batch in enumerate(matched, start=1)
        ),
    ]


def _entry_bytes(numbered: NumberedEntry) -> int:
    # UTF-8 takes at most 3 bytes a character here; field names and dates are ~300.
    entry = numbered.entry
    texts = [entry.source_document, *(unit.name for unit in units_of(entry))]
    texts.append(entry.project_name if entry.kind == "pilot_project" else "")
    texts.append(entry.title if entry.kind == "standard" else "")
    return 300 + 3 * sum(len(text) for text in texts) + 60 * len(units_of(entry))


def _match_bytes(match: UnitMatch) -> int:
    return 150 + 3 * len(match.reason) + 21 * len(match.candidates)


@dataclass(frozen=True)
class UnitState:
    """Where a unit stands: the rules' outcome, and what a person decided, if one did:
    (credit code or None, note, who)."""

    outcome: str
    resolved: tuple[str | None, str, str] | None = None


@dataclass(frozen=True)
class Resolution:
    list_id: str
    entry: int
    unit: int
    credit_code: str | None
    note: str


def resolve(
    state: UnitState,
    asked: Resolution,
    record: Registered | None,
    resolved_by: str,
    today: date,
) -> OfficialListUnitResolved | None:
    """A person's decision on an ambiguous or unmatched unit: the enterprise it is (one
    the register holds and has not deregistered) or none. A unit the rules matched, or
    one decided before, is not decided again; the same decision again by the same person
    (a retry) is None: nothing new."""
    if state.outcome == "matched":
        raise Conflicting("unit", "matched_by_rule", "the rules matched this unit already")
    if state.resolved == (asked.credit_code, asked.note, resolved_by):
        return None
    if state.resolved is not None:
        raise Conflicting("unit", "already_resolved", "a person resolved this unit already")
    code = asked.credit_code
    if code is not None:
        wrong = credit_code_problem(code)
        if wrong:
            rule, _, message = wrong.partition(": ")
            raise InvalidInput("credit_code", rule, message)
        if record is None:
            raise InvalidInput(
                "credit_code", "in_register", f"the register holds no enterprise of {code}"
            )
        if record.deregistered_on is not None and record.deregistered_on <= today:
            raise InvalidInput(
                "credit_code",
                "not_deregistered",
                f"{code} was deregistered on {record.deregistered_on.isoformat()}: "
                "resolve to none, with a note",
            )
    return OfficialListUnitResolved(
        list_id=asked.list_id,
        entry=asked.entry,
        unit=asked.unit,
        credit_code=code,
        resolved_by=resolved_by,
        note=asked.note,
    )
