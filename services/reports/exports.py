"""A report exported for the finance bureau and the annual report: CSV of the
applications it counted, and an XLSX workbook with a sheet per section of the report
and one of the applications. Both are written a chunk at a time: the CSV goes out as it
is written, the workbook (a zip, which is whole only at its end) is written to a
temporary file by openpyxl's write-only mode and then sent from there."""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from openpyxl import Workbook
from pydantic import BaseModel

from shared.rules.report.facts import APPLICATION_COLUMNS, ApplicationFacts
from shared.rules.report.shape import Report

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHUNK_ROWS = 500
_READ_BYTES = 64 * 1024
# Spreadsheets keep no time zones: every moment is written in UTC, and its header says so.
_MOMENTS = {c for c in APPLICATION_COLUMNS if c.endswith("_at")}
_HEADER = [f"{c}_utc" if c in _MOMENTS else c for c in APPLICATION_COLUMNS]


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


async def csv_chunks(rows: AsyncIterator[ApplicationFacts]) -> AsyncIterator[bytes]:
    """A header and one line per application, sent every few hundred lines. The byte order
    mark tells spreadsheet programs it is UTF-8 (enterprise names are Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(APPLICATION_COLUMNS)
    written = 0
    async for row in rows:
        writer.writerow([_csv_cell(getattr(row, c)) for c in APPLICATION_COLUMNS])
        written += 1
        if written % _CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _section(book: Workbook, title: str, lines: list[BaseModel]) -> None:
    sheet = book.create_sheet(title)
    if not lines:
        sheet.append(["(none)"])
        return
    fields = list(type(lines[0]).model_fields)
    sheet.append(fields)
    for line in lines:
        sheet.append([_xlsx_cell(getattr(line, f)) for f in fields])


def _summary(book: Workbook, made: Report) -> None:
    sheet = book.create_sheet("Summary")
    scope = made.scope
    for name, value in [
        ("report", scope.kind),
        ("round_id", scope.round_id or ""),
        ("year", scope.year),
        ("category", scope.category or "all"),
        ("level", scope.level or "all"),
        ("budget_yuan", made.budget_yuan),
        *made.totals.model_dump().items(),
    ]:
        sheet.append([name, value])


async def xlsx_file(made: Report, rows: AsyncIterator[ApplicationFacts]) -> IO[bytes]:
    """The workbook in a temporary file, rewound; the caller closes it."""
    book = Workbook(write_only=True)
    _summary(book, made)
    _section(book, "Rounds", list(made.rounds))
    _section(book, "By category and level", list(made.by_category_level))
    _section(book, "By industry", list(made.by_industry))
    _section(book, "Priority industries", list(made.by_priority_industry))
    _section(book, "Ineligibility reasons", list(made.ineligibility_reasons))
    _section(book, "Non-award reasons", list(made.non_award_reasons))
    _section(book, "Step times", list(made.steps))
    _section(book, "Largest recipients", list(made.largest_recipients))
    sheet = book.create_sheet("Applications")
    sheet.append(_HEADER)
    async for row in rows:
        sheet.append([_xlsx_cell(getattr(row, c)) for c in APPLICATION_COLUMNS])
    # Closed by file_chunks once sent: the response outlives this function.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    await asyncio.to_thread(book.save, out)
    out.seek(0)
    return out


def file_chunks(out: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes in pieces, then the file closed (and so removed)."""
    with out:
        while chunk := out.read(_READ_BYTES):
            yield chunk
