"""Publicity over HTTP: the published list and objections for anyone, without a token;
objection decisions for reviewers; finalisation for the program office."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import HTMLResponse

from shared.auth.http import Caller
from shared.envelope import Actor
from shared.eventstore import Cause
from shared.http.limits import within_limits
from shared.http.problems import INVALID
from shared.read_log import reads, recorded

from .. import queries
from ..publicity import PublicityService
from .http import CONFLICT, MISSING, CauseDep, SessionDep
from .publicity_page import render_list
from .publicity_schemas import (
    Created,
    ObjectionDecisionRequest,
    ObjectionRequest,
    ObjectionView,
    PublishedListView,
)

router = APIRouter(prefix="/v1", responses=INVALID, dependencies=[Depends(within_limits)])


async def _publicity(request: Request) -> PublicityService:
    service: PublicityService = request.app.state.publicity
    return service


async def _public_cause(x_correlation_id: Annotated[UUID | None, Header()] = None) -> Cause:
    """An objection comes without a token: its actor is the public, and who objects is
    in the objection itself."""
    return Cause(actor=PUBLIC, correlation_id=x_correlation_id or uuid4())


PUBLIC = Actor(id="public", role="public")
PublicityDep = Annotated[PublicityService, Depends(_publicity)]
PublicCauseDep = Annotated[Cause, Depends(_public_cause)]


@router.get("/public/rounds/{round_id}/list", responses=MISSING, tags=["publicity"])
async def get_published_list(
    round_id: str, session: SessionDep, publicity: PublicityDep
) -> PublishedListView:
    """The round's published list of proposed awards, public: no token needed."""
    return await _list(round_id, session, publicity)


@router.get(
    "/public/rounds/{round_id}/list.html",
    responses=MISSING,
    response_class=HTMLResponse,
    tags=["publicity"],
)
async def get_published_list_page(
    round_id: str, session: SessionDep, publicity: PublicityDep
) -> HTMLResponse:
    """The published list as a printable page, for a portal to link or embed."""
    return HTMLResponse(render_list(await _list(round_id, session, publicity)))


async def _list(
    round_id: str, session: SessionDep, publicity: PublicityService
) -> PublishedListView:
    now = publicity.applications.clock()
    return PublishedListView(**await queries.published_list_view(session, round_id, now))


@router.post(
    "/public/rounds/{round_id}/objections",
    status_code=201,
    responses=CONFLICT,  # 429, of its limits per address and objector too: every route has it
    tags=["publicity"],
)
async def lodge_objection(
    round_id: str,
    body: ObjectionRequest,
    request: Request,
    publicity: PublicityDep,
    cause: PublicCauseDep,
) -> Created:
    """Object, by name and in writing, to an application in the published list while its
    publicity period runs. The same objection sent again answers the same id."""
    address = request.client.host if request.client else "unknown"
    objection_id = await publicity.lodge_objection(
        round_id,
        body.application_id,
        body.objector,
        body.grounds,
        body.evidence,
        address,
        cause,
    )
    return Created(id=objection_id)


@router.get("/rounds/{round_id}/objections", responses=MISSING, tags=["publicity"])
async def get_objections(
    round_id: str, session: SessionDep, caller: Caller, request: Request
) -> list[ObjectionView]:
    """Every objection to the round's list, with who made it: reviewers, officers,
    auditors. Each objector's identity shown is recorded as read."""
    await queries.round_view(session, round_id)
    rows = await queries.objections(session, round_id)
    await recorded(
        request, caller, reads("objection", (r["id"] for r in rows), ("objector",)), session
    )
    return [ObjectionView(**row) for row in rows]


@router.post(
    "/objections/{objection_id}/decision", status_code=202, responses=CONFLICT, tags=["publicity"]
)
async def decide_objection(
    objection_id: str,
    body: ObjectionDecisionRequest,
    publicity: PublicityDep,
    cause: CauseDep,
) -> Created:
    """Dismiss an objection with reasons, or uphold it: the application goes back to review."""
    await publicity.decide_objection(objection_id, body.decision, body.reasons, cause)
    return Created(id=objection_id)


@router.post("/rounds/{round_id}/finalise", status_code=202, responses=CONFLICT, tags=["rounds"])
async def finalise_round(round_id: str, publicity: PublicityDep, cause: CauseDep) -> Created:
    """Make the round's awards final: refused while its publicity runs or an objection,
    a second review or a re-allocation is still open."""
    await publicity.finalise(round_id, cause)
    return Created(id=round_id)
