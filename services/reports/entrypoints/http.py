"""The reports HTTP API: a round's or a year's report as JSON, CSV, XLSX or a printable
page, with the same filters on each. Routes parse and delegate to the service; who may
call which is shared/auth/matrix.py's."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from shared.auth.http import Caller
from shared.http.limits import within_limits
from shared.http.problems import INVALID, PROBLEM
from shared.rules.report.shape import Report, Scope

from ..exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, csv_chunks, file_chunks, xlsx_file
from ..page import render
from ..service import ReportsService

router = APIRouter(
    prefix="/v1/reports",
    responses=INVALID,
    dependencies=[Depends(within_limits)],
    tags=["reports"],
)
Category = Literal["quality_brand", "standard", "pilot_project", "standard_adoption"]
Level = Literal[
    "international", "national", "industry", "local", "group", "municipal", "district", "adoption"
]
Format = Literal["json", "csv", "xlsx"]
CategoryQuery = Annotated[Category | None, Query(description="only this category")]
LevelQuery = Annotated[Level | None, Query(description="only this level")]
FormatQuery = Annotated[Format, Query(description="json (default), csv or xlsx")]
Year = Annotated[int, Path(ge=2000, le=2100)]
FOUND: dict[int | str, dict[str, Any]] = {
    404: PROBLEM,
    200: {
        "content": {
            CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        }
    },
}


async def _service(request: Request) -> ReportsService:  # async: no thread hop
    service: ReportsService = request.app.state.service
    return service


ServiceDep = Annotated[ReportsService, Depends(_service)]


async def _answer(service: ReportsService, scope: Scope, shape: Format) -> Any:
    made = await service.report(scope)
    name = f"qsfund-report-{scope.round_id or scope.year}"
    if shape == "csv":
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        chunks = csv_chunks(service.rows(made))
        return StreamingResponse(chunks, media_type=CSV_MEDIA_TYPE, headers=headers)
    if shape == "xlsx":
        headers = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
        out = await xlsx_file(made, service.rows(made))
        return StreamingResponse(file_chunks(out), media_type=XLSX_MEDIA_TYPE, headers=headers)
    return made


@router.get("/rounds/{round_id}", responses=FOUND, response_model=Report)
async def get_round_report(
    round_id: str,
    service: ServiceDep,
    _: Caller,
    category: CategoryQuery = None,
    level: LevelQuery = None,
    format: FormatQuery = "json",
) -> Response | Report:
    """A round's report: money by category and level, awards by industry, reasons, step
    times and the year's largest recipients; `format=csv` or `xlsx` to export it."""
    scope = Scope(kind="round", round_id=round_id, year=0, category=category, level=level)
    answer: Response | Report = await _answer(service, scope, format)
    return answer


@router.get("/years/{year}", responses=FOUND, response_model=Report)
async def get_year_report(
    year: Year,
    service: ServiceDep,
    _: Caller,
    category: CategoryQuery = None,
    level: LevelQuery = None,
    format: FormatQuery = "json",
) -> Response | Report:
    """The report of every round of a year, as a round's is laid out."""
    scope = Scope(kind="year", year=year, category=category, level=level)
    answer: Response | Report = await _answer(service, scope, format)
    return answer


@router.get("/rounds/{round_id}/report.html", response_class=HTMLResponse, responses={404: PROBLEM})
async def get_round_report_page(
    round_id: str,
    service: ServiceDep,
    _: Caller,
    category: CategoryQuery = None,
    level: LevelQuery = None,
) -> HTMLResponse:
    """A round's report as a printable page with charts of budget use and step times."""
    scope = Scope(kind="round", round_id=round_id, year=0, category=category, level=level)
    return HTMLResponse(render(await service.report(scope)))


@router.get("/years/{year}/report.html", response_class=HTMLResponse)
async def get_year_report_page(
    year: Year,
    service: ServiceDep,
    _: Caller,
    category: CategoryQuery = None,
    level: LevelQuery = None,
) -> HTMLResponse:
    """A year's report as a printable page with charts of budget use and step times."""
    scope = Scope(kind="year", year=year, category=category, level=level)
    return HTMLResponse(render(await service.report(scope)))
