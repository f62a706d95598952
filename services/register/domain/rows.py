"""What a row of a register load must be, checked by hand rather than by a model: every
problem of a row is reported with its field and rule, and a load of 100,000 rows is
checked in about a second.

A row is a mapping as JSON gives it (CSV rows are turned into the same shape first):
credit_code, name, former_names, industry_code, registered_on, deregistered_on and
dishonesty (a list of {listed_on, removed_on, reference}).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.contracts.register import DishonestyEntry, RegisteredEnterprise, RowProblem
from shared.rules.credit_code import credit_code_problem
from shared.rules.industries import industry_code_problem

FIELDS = frozenset(
    {
        "credit_code",
        "name",
        "former_names",
        "industry_code",
        "registered_on",
        "deregistered_on",
        "dishonesty",
    }
)
# What a CSV row has beyond its header's columns (csv_rows.py): reported, never guessed.
EXTRA_CELLS = "columns"
ENTRY_FIELDS = frozenset({"listed_on", "removed_on", "reference"})
MAX_NAME = 500
MAX_REFERENCE = 200
MAX_FORMER_NAMES = 20
MAX_ENTRIES = 50


@dataclass
class Checked:
    """A load's rows after their rules: the enterprises that go in, every problem of the
    others, and how many rows there were."""

    accepted: list[RegisteredEnterprise] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def rejected(self) -> int:
        return len({p.row for p in self.problems})


def check_rows(rows: Iterable[Any]) -> Checked:
    """Every row checked; a credit code seen in an earlier good row of the load refuses
    the later one (which of two records is the register's is not ours to guess)."""
    checked = Checked()
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=1):
        checked.rows = number
        problems: list[RowProblem] = []
        record = check_row(number, raw, problems)
        if record is not None and record.credit_code in seen:
            problems.append(
                RowProblem(
                    row=number,
                    field="credit_code",
                    rule="unique_in_load",
                    message=f"{record.credit_code} is in an earlier row of this load",
                )
            )
        elif record is not None:
            seen.add(record.credit_code)
            checked.accepted.append(record)
        checked.problems += problems
    return checked


def check_row(number: int, raw: Any, problems: list[RowProblem]) -> RegisteredEnterprise | None:
    """The row's record, or None with its problems appended."""
    row = _Row(number, problems)
    if not isinstance(raw, Mapping):
        row.refuse("row", "object", "a row is an object of the register's fields")
        return None
    if EXTRA_CELLS in raw:
        row.refuse(EXTRA_CELLS, "header_width", str(raw[EXTRA_CELLS]))
    for name in sorted(set(raw) - FIELDS - {EXTRA_CELLS}):
        row.refuse(name, "unknown_field", f"{name} is not a field of the register")
    code = row.text(raw, "credit_code", 18)
    if code is not None:
        problem = credit_code_problem(code)
        if problem:
            rule, _, message = problem.partition(": ")
            row.refuse("credit_code", rule, message)
    name = row.text(raw, "name", MAX_NAME)
    former = row.names(raw.get("former_names"))
    industry = row.text(raw, "industry_code", 6)
    if industry is not None:
        wrong = industry_code_problem(industry)
        if wrong:
            row.refuse("industry_code", *wrong)
    registered = row.day(raw, "registered_on")
    deregistered = row.day(raw, "deregistered_on", required=False)
    if registered and deregistered and deregistered < registered:
        row.refuse("deregistered_on", "after_registration", "deregistered before registered")
    entries = row.entries(raw.get("dishonesty"))
    if row.bad or code is None or name is None or industry is None or registered is None:
        return None
    # Checked field by field above: constructing without validating again halves the cost.
    return RegisteredEnterprise.model_construct(
        credit_code=code,
        name=name,
        former_names=former,
        industry_code=industry,
        registered_on=registered,
        deregistered_on=deregistered,
        dishonesty=entries,
    )


class _Row:
    def __init__(self, number: int, problems: list[RowProblem]) -> None:
        self.number = number
        self.problems = problems
        self.bad = False

    def refuse(self, where: str, rule: str, message: str) -> None:
        self.bad = True
        self.problems.append(RowProblem(row=self.number, field=where, rule=rule, message=message))

    def text(
        self, raw: Mapping[str, Any], name: str, most: int, where: str | None = None
    ) -> str | None:
        value = raw.get(name)
        where = where or name
        if value is None or value == "":
            self.refuse(where, "required", f"{name} is required")
            return None
        if not isinstance(value, str):
            self.refuse(where, "string", f"{name} is text")
            return None
        value = value.strip()
        if not value or len(value) > most or "\x00" in value:
            self.refuse(where, "length", f"{name} has 1 to {most} characters, no NUL")
            return None
        return value

    def day(
        self, raw: Mapping[str, Any], name: str, required: bool = True, where: str | None = None
    ) -> date | None:
        value = raw.get(name)
        where = where or name
        if value is None or value == "":
            if required:
                self.refuse(where, "required", f"{name} is required")
            return None
        day = None
        if isinstance(value, str) and len(value) == 10:  # YYYY-MM-DD only, no other ISO form
            try:
                day = date.fromisoformat(value)
            except ValueError:
                day = None
        if day is None:
            self.refuse(where, "date", f"{name} is a date as YYYY-MM-DD, not {value!r}"[:300])
        return day

    def names(self, value: Any) -> list[str]:
        if value is None or value == []:
            return []
        if not isinstance(value, list) or len(value) > MAX_FORMER_NAMES:
            self.refuse("former_names", "list", f"at most {MAX_FORMER_NAMES} names, as a list")
            return []
        found = [
            self.text({"n": v}, "n", MAX_NAME, f"former_names.{i}") for i, v in enumerate(value)
        ]
        return [name for name in found if name is not None]

    def entries(self, value: Any) -> list[DishonestyEntry]:
        if value is None or value == []:
            return []
        if isinstance(value, str):  # a CSV row's columns that do not line up, said why
            self.refuse("dishonesty", "aligned", value)
            return []
        if not isinstance(value, list) or len(value) > MAX_ENTRIES:
            self.refuse("dishonesty", "list", f"at most {MAX_ENTRIES} listings, as a list")
            return []
        entries = []
        for index, raw in enumerate(value):
            where = f"dishonesty.{index}"
            if not isinstance(raw, Mapping) or set(raw) - ENTRY_FIELDS:
                self.refuse(where, "object", "a listing is {listed_on, removed_on, reference}")
                continue
            listed = self.day(raw, "listed_on", where=f"{where}.listed_on")
            removed = self.day(raw, "removed_on", required=False, where=f"{where}.removed_on")
            reference = self.text(raw, "reference", MAX_REFERENCE, f"{where}.reference")
            if listed and removed and removed <= listed:
                self.refuse(f"{where}.removed_on", "after_listing", "removed after it was listed")
            elif listed and reference:
                entries.append(
                    DishonestyEntry.model_construct(
                        listed_on=listed, removed_on=removed, reference=reference
                    )
                )
        return entries
