"""A register load as CSV (UTF-8, a header row), read row by row into the shape of a JSON
row, so one set of rules checks both. Lists sit in one cell, separated by `|`:
former_names; and the serious-dishonesty listings as three aligned columns
(dishonesty_listed_on, dishonesty_removed_on, dishonesty_reference), the n-th item of each
being the n-th listing (an empty removed_on item: still listed)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

REQUIRED = ("credit_code", "name", "industry_code", "registered_on")
OPTIONAL = (
    "former_names",
    "deregistered_on",
    "dishonesty_listed_on",
    "dishonesty_removed_on",
    "dishonesty_reference",
)
SEPARATOR = "|"


class HeaderProblem(ValueError):
    """The header row is not the register's: nothing of the load can be read."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def csv_rows(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Each data row as a JSON-shaped row; HeaderProblem before the first if the header
    lacks a required column or names an unknown one."""
    reader = csv.reader(lines)
    header = [name.strip() for name in next(reader, [])]
    _check_header(header)
    width = len(header)
    for cells in reader:
        if not cells:  # a blank line: not a row
            continue
        row: dict[str, Any] = dict(zip(header, cells, strict=False))
        if len(cells) > width:
            row["columns"] = f"{len(cells)} cells for {width} columns"
        yield _shaped(row)


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise HeaderProblem("header", f"the header row lacks {', '.join(missing)}")
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if unknown:
        raise HeaderProblem("header", f"the header row names unknown columns {', '.join(unknown)}")
    if len(set(header)) != len(header):
        raise HeaderProblem("header", "the header row names a column twice")


def _shaped(row: dict[str, Any]) -> dict[str, Any]:
    listed = _items(row.pop("dishonesty_listed_on", ""))
    removed = _items(row.pop("dishonesty_removed_on", ""))
    references = _items(row.pop("dishonesty_reference", ""))
    if len(references) != len(listed) or (removed and len(removed) != len(listed)):
        row["dishonesty"] = (
            f"{len(listed)} listed_on, {len(removed)} removed_on and {len(references)} "
            "reference items: the dishonesty columns must have as many items each"
        )
    else:
        row["dishonesty"] = [
            {"listed_on": on, "removed_on": (removed[i] if removed else ""), "reference": ref}
            for i, (on, ref) in enumerate(zip(listed, references, strict=True))
        ]
    row["former_names"] = _items(row.get("former_names", ""))
    return row


def _items(cell: str | None) -> list[str]:
    return [item.strip() for item in cell.split(SEPARATOR)] if cell and cell.strip() else []
