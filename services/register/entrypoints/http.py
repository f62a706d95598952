"""The register HTTP API: the platform's loads (JSON or CSV), an enterprise's record, and
the industry classification. Routes parse and delegate to the service."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Request

from shared.auth.http import Caller
from shared.eventstore import Cause
from shared.http.correlation import current_correlation_id
from shared.http.problems import INVALID, PROBLEM
from shared.rules.industries import classification

from ..domain.csv_rows import HeaderProblem, csv_rows
from ..domain.errors import InvalidInput
from ..service import RegisterService, digest
from .schemas import LOAD_BODY, EnterpriseView, IndustriesView, LoadRequest, LoadView

router = APIRouter(prefix="/v1/register", responses=INVALID, tags=["register"])
LOAD_ID = re.compile(LoadRequest.model_fields["load_id"].metadata[0].pattern)
CreditCode = Annotated[str, Path(pattern=r"^[0-9A-Z]{18}$")]


async def _service(request: Request) -> RegisterService:  # async: no thread hop
    service: RegisterService = request.app.state.service
    return service


ServiceDep = Annotated[RegisterService, Depends(_service)]


@router.post(
    "/loads",
    openapi_extra=LOAD_BODY,
    responses={409: PROBLEM, 415: PROBLEM},
)
async def load_register(
    request: Request,
    service: ServiceDep,
    caller: Caller,
    load_id: Annotated[str | None, Query(description="a CSV load's id (JSON: in the body)")] = None,
    x_correlation_id: Annotated[UUID | None, Header()] = None,
) -> LoadView:
    """Load or update the district's register: each row an enterprise's whole record, the
    good rows taken and every bad one reported by row, field and rule. Idempotent by load id."""
    body = await request.body()
    rows: Callable[[], Iterable[Any]]
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "text/csv":
        chosen, rows = _load_id(load_id, "load_id"), (lambda: _csv(body))
    elif kind == "application/json":
        chosen, listed = _json(body)
        rows = lambda: listed  # noqa: E731
    else:
        raise InvalidInput("content-type", "media_type", "send application/json or text/csv")
    cause = Cause(actor=caller.actor, correlation_id=x_correlation_id or current_correlation_id())
    return LoadView.model_validate(await service.load(chosen, digest(body), rows, cause))


@router.get("/enterprises/{credit_code}", responses={404: PROBLEM})
async def get_enterprise(credit_code: CreditCode, service: ServiceDep, _: Caller) -> EnterpriseView:
    """An enterprise's record in the register, as its latest load left it."""
    return EnterpriseView.model_validate(await service.enterprise(credit_code))


@router.get("/industries")
async def list_industries() -> IndustriesView:
    """The industry classification (GB/T 4754-2017) rows and filings are coded in."""
    found = classification()
    return IndustriesView.model_validate(
        {"edition": found.edition, "sections": [s.__dict__ for s in found.sections]},
        from_attributes=True,
    )


def _load_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not LOAD_ID.match(value):
        raise InvalidInput(
            field,
            "load_id",
            "a load id: 1 to 64 letters, digits and . _ : - (first a letter or digit)",
        )
    return value


def _json(body: bytes) -> tuple[str, list[Any]]:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise InvalidInput("body", "json_invalid", f"not JSON: {error}") from None
    if not isinstance(parsed, dict) or set(parsed) != {"load_id", "rows"}:
        raise InvalidInput("body", "load", "a JSON load is an object of load_id and rows")
    if not isinstance(parsed["rows"], list):
        raise InvalidInput("rows", "list", "rows is a list of the register's rows")
    return _load_id(parsed["load_id"], "load_id"), parsed["rows"]


def _csv(body: bytes) -> Iterator[dict[str, Any]]:
    """The rows as they are read: the body is decoded and split as the rules consume it."""
    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8-sig", newline="")
    try:
        yield from csv_rows(_lines(text))
    except HeaderProblem as problem:
        raise InvalidInput("body", problem.rule, problem.message) from None


def _lines(text: Iterable[str]) -> Iterator[str]:
    line = 0
    try:
        for line, content in enumerate(text, start=1):  # noqa: B007
            yield content
    except UnicodeDecodeError:
        raise InvalidInput(
            "body", "utf8", f"the CSV is not UTF-8 (after line {line}); save it as UTF-8"
        ) from None
