"""What an official list's body must be. A list is an authority's document: it is taken
whole or not at all (unlike a register load's rows), yet every problem of every entry is
reported at once, each with its field (`entries.3.drafting_units.0.credit_code`: a path
into the body, so entries.0 is entry number 1) and its rule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared.contracts import lists
from shared.contracts.lists import ListEntry, ListKind
from shared.contracts.register import LoadId
from shared.contracts.values import Text
from shared.http.dates import CalendarDate
from shared.rules.credit_code import credit_code_problem

from .errors import Problem, Problems
from .matching import units_of

# Far above any authority's list (a year's new national standards are a few thousand);
# the body limit bounds it too.
MAX_ENTRIES = 50_000
# A body of garbage still gets an answer of a few megabytes at most; the rest are counted.
MAX_LISTED_PROBLEMS = 1_000
KIND_OF_ENTRIES: dict[str, str] = {
    "standards": "standard",
    "award_winners": "award",
    "pilot_projects": "pilot_project",
}
UNITS_FIELD = {"standard": "drafting_units", "award": "winner", "pilot_project": "units"}


# The entries as a platform sends them: the contracts' (and their names, which the API's
# schema keeps), with each day taken as YYYY-MM-DD only. The events record the
# contracts' own types, whose parsing stays as it was so every recorded event reads.
class StandardEntry(lists.StandardEntry):
    """A newly published standard. Its drafting units are in the order the foreword names
    them: the first is the lead drafter, the others participants."""

    published_on: CalendarDate


class AwardEntry(lists.AwardEntry):
    """One winner or nominee of a quality award announcement."""

    conferred_on: CalendarDate


class PilotProjectEntry(lists.PilotProjectEntry):
    """A standardization pilot project that passed acceptance, with its undertaking units
    (the first the lead undertaker)."""

    accepted_on: CalendarDate


SentEntry = Annotated[StandardEntry | AwardEntry | PilotProjectEntry, Field(discriminator="kind")]
_ENTRY: TypeAdapter[SentEntry] = TypeAdapter(SentEntry)
_CONTRACT_OF: dict[type[SentEntry], type[ListEntry]] = {
    StandardEntry: lists.StandardEntry,
    AwardEntry: lists.AwardEntry,
    PilotProjectEntry: lists.PilotProjectEntry,
}


class _Head(BaseModel):
    model_config = ConfigDict(extra="forbid")

    list_id: LoadId
    kind: ListKind
    title: Text
    entries: list[Any]


@dataclass(frozen=True)
class OfficialList:
    list_id: str
    kind: ListKind
    title: str
    entries: list[ListEntry]


def check_list(body: Any) -> OfficialList:
    """The list, or Problems naming every field of every entry that breaks a rule."""
    if not isinstance(body, dict):
        raise Problems([Problem("body", "object_required", "a list is a JSON object")])
    # Walked only when there is one to find: JSON escapes NUL, and dumping the body is
    # a tenth of the cost of walking it.
    has_nul = b"\\u0000" in orjson.dumps(body)
    problems = list(_nul_problems(body, "body")) if has_nul else []
    head = None
    try:
        head = _Head.model_validate(body)
    except ValidationError as error:
        problems += [_problem("", e) for e in error.errors(include_url=False)]
    raw_entries = body.get("entries")
    entries: list[ListEntry] = []
    if isinstance(raw_entries, list):
        if not raw_entries:
            problems.append(Problem("entries", "too_short", "a list has at least one entry"))
        if len(raw_entries) > MAX_ENTRIES:
            problems.append(Problem("entries", "too_long", f"at most {MAX_ENTRIES:,} entries"))
        expected = KIND_OF_ENTRIES.get(str(body.get("kind")))
        for index, raw in enumerate(raw_entries[:MAX_ENTRIES]):
            entry = _entry(index, raw, expected, problems)
            if entry is not None:
                entries.append(entry)
    if problems or head is None:
        raise Problems(problems[:MAX_LISTED_PROBLEMS], total=len(problems))
    return OfficialList(head.list_id, head.kind, head.title, entries)


def _entry(index: int, raw: Any, expected: str | None, problems: list[Problem]) -> ListEntry | None:
    where = f"entries.{index}"
    try:
        sent = _ENTRY.validate_python(raw)
    except ValidationError as error:
        problems += [_problem(where, e) for e in error.errors(include_url=False)]
        return None
    entry = _CONTRACT_OF[type(sent)].model_validate(sent.model_dump())
    bad = False
    if expected is not None and entry.kind != expected:
        bad = True
        problems.append(
            Problem(
                f"{where}.kind",
                "list_kind",
                f"the list's entries are {expected} entries, not {entry.kind}",
            )
        )
    field = UNITS_FIELD[entry.kind]
    for position, unit in enumerate(units_of(entry)):
        wrong = credit_code_problem(unit.credit_code) if unit.credit_code else None
        if wrong:
            bad = True
            rule, _, message = wrong.partition(": ")
            at = f"{where}.{field}" + ("" if entry.kind == "award" else f".{position}")
            problems.append(Problem(f"{at}.credit_code", rule, message))
    return None if bad else entry


def _problem(where: str, error: Any) -> Problem:
    location = [str(part) for part in error["loc"]]
    # A discriminated union names the entry's kind first: noise in a path into the body.
    if where and location and location[0] in UNITS_FIELD:
        location = location[1:]
    path = ".".join([where, *location] if where else location) or "body"
    return Problem(path, error["type"], error["msg"])


def _nul_problems(value: Any, path: str) -> Iterator[Problem]:
    # PostgreSQL stores no NUL character in text: refused here, not a 500 there.
    if isinstance(value, str) and "\x00" in value:
        yield Problem(path.removeprefix("body."), "null_character", "contains a NUL character")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_problems(item, f"{path}.{index}")
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _nul_problems(item, f"{path}.{name}")
