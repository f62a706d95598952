"""The official lists' HTTP API: an authority's list taken and matched to the register,
a person's resolution of a unit, and reading a list and its units. Routes parse and
delegate to the service."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import orjson
from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request

from shared.auth.http import Caller
from shared.eventstore import Cause
from shared.http.correlation import current_correlation_id
from shared.http.problems import INVALID, PROBLEM

from ..domain.errors import InvalidInput
from ..domain.lists import Resolution
from ..list_service import OfficialListService
from ..service import digest
from .list_schemas import (
    LIST_BODY,
    OfficialListRequest,
    OfficialListView,
    ResolveRequest,
    State,
    UnitsPage,
    UnitView,
    unit_view,
)

router = APIRouter(prefix="/v1/official-lists", responses=INVALID, tags=["lists"])
ListIdPath = Annotated[
    str, Path(pattern=OfficialListRequest.model_fields["list_id"].metadata[0].pattern)
]
CorrelationHeader = Annotated[UUID | None, Header(alias="x-correlation-id")]


async def _service(request: Request) -> OfficialListService:  # async: no thread hop
    service: OfficialListService = request.app.state.lists
    return service


ServiceDep = Annotated[OfficialListService, Depends(_service)]


def _cause(caller: Caller, correlation: UUID | None) -> Cause:
    return Cause(actor=caller.actor, correlation_id=correlation or current_correlation_id())


@router.post("", openapi_extra=LIST_BODY, responses={409: PROBLEM})
async def submit_official_list(
    request: Request, service: ServiceDep, caller: Caller, correlation: CorrelationHeader = None
) -> OfficialListView:
    """Submit an authority's list (standards, award winners or pilot projects): checked
    whole, every unit matched to the register and why. Idempotent by list id."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != (
        "application/json"
    ):
        raise InvalidInput("content-type", "content_type", "send the list as application/json")
    body = await request.body()
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise InvalidInput("body", "json_invalid", f"not JSON: {error}") from None
    answer = await service.receive(parsed, digest(body), _cause(caller, correlation))
    return OfficialListView.model_validate(answer)


@router.get("/{list_id}", responses={404: PROBLEM})
async def get_official_list(
    list_id: ListIdPath, service: ServiceDep, _: Caller
) -> OfficialListView:
    """A list's receipt and where its units stand, counted."""
    return OfficialListView.model_validate(await service.summary(list_id))


@router.get("/{list_id}/units", responses={404: PROBLEM})
async def list_official_list_units(
    list_id: ListIdPath,
    service: ServiceDep,
    _: Caller,
    state: Annotated[State | None, Query(description="only units that stand so now")] = None,
    after: Annotated[
        str | None, Query(pattern=r"^[0-9]{1,6}:[0-9]{1,2}$", description="`next` of a page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> UnitsPage:
    """A list's units in order, a page at a time; `state=ambiguous` and
    `state=unmatched` are a person's work queue."""
    cursor = None
    if after is not None:
        entry, unit = after.split(":")
        cursor = (int(entry), int(unit))
    rows = await service.units(list_id, state, cursor, limit)
    units = [unit_view(row) for row in rows]
    last = units[-1] if len(units) == limit else None
    return UnitsPage(units=units, next=f"{last.entry}:{last.unit}" if last else None)


@router.post(
    "/{list_id}/entries/{entry}/units/{unit}/resolve", responses={404: PROBLEM, 409: PROBLEM}
)
async def resolve_official_list_unit(
    list_id: ListIdPath,
    entry: Annotated[int, Path(ge=1)],
    unit: Annotated[int, Path(ge=0, le=49)],
    body: Annotated[ResolveRequest, Body()],
    service: ServiceDep,
    caller: Caller,
    correlation: CorrelationHeader = None,
) -> UnitView:
    """Decide a unit the rules left ambiguous or unmatched: the enterprise it is, or none
    (with a note saying why)."""
    asked = Resolution(list_id, entry, unit, body.credit_code, body.note)
    return unit_view(await service.resolve(asked, _cause(caller, correlation)))
