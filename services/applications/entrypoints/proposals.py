"""The proposals API under /v1: what an enterprise is offered from official lists, and its
confirmation or decline. Thin: the service decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from shared.auth.http import Caller
from shared.http.limits import within_limits
from shared.http.problems import INVALID

from .. import proposal_queries as queries
from ..proposals import ProposalsService
from .http import CONFLICT, MISSING, CauseDep, SessionDep
from .idempotency import IdempotencyKey
from .proposal_schemas import (
    ConfirmRequest,
    DeclineRequest,
    ProposalPage,
    ProposalState,
    ProposalView,
)
from .schemas import Created

router = APIRouter(
    prefix="/v1",
    responses=INVALID,
    dependencies=[Depends(within_limits)],
    tags=["proposals"],
)


async def _proposals(request: Request) -> ProposalsService:
    service: ProposalsService = request.app.state.proposals
    return service


ProposalsDep = Annotated[ProposalsService, Depends(_proposals)]


@router.get("/proposals")
async def list_proposals(
    session: SessionDep,
    caller: Caller,
    round_id: Annotated[str | None, Query(max_length=64)] = None,
    state: ProposalState | None = None,
    credit_code: Annotated[str | None, Query(min_length=18, max_length=18)] = None,
    after: Annotated[
        str | None, Query(max_length=64, description="the last id of the page before")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ProposalPage:
    """Proposals the caller may see, by id, a page at a time: an applicant its own."""
    page = await queries.proposals_page(
        session,
        caller,
        round_id=round_id,
        state=state,
        credit_code=credit_code,
        after=after,
        limit=limit,
    )
    return ProposalPage.model_validate(page)


@router.get("/proposals/{proposal_id}", responses=MISSING)
async def get_proposal(proposal_id: str, session: SessionDep, caller: Caller) -> ProposalView:
    """One proposal: the enterprise, the claim, the list entry and document it came from."""
    return ProposalView.model_validate(await queries.proposal_view(session, proposal_id, caller))


@router.post("/proposals/{proposal_id}/confirm", status_code=201, responses=CONFLICT)
async def confirm_proposal(
    proposal_id: str,
    body: ConfirmRequest,
    service: ProposalsDep,
    caller: Caller,
    cause: CauseDep,
    key: IdempotencyKey,
) -> Created:
    """Confirm an open proposal: files its application (the answer's id), which goes to
    review like any other."""
    application_id = await service.confirm(
        proposal_id, body.contact, body.documents(), caller, cause, key
    )
    return Created(id=application_id)


@router.post("/proposals/{proposal_id}/decline", status_code=202, responses=CONFLICT)
async def decline_proposal(
    proposal_id: str,
    body: DeclineRequest,
    service: ProposalsDep,
    caller: Caller,
    cause: CauseDep,
    key: IdempotencyKey,
) -> Created:
    """Decline an open proposal; nothing is filed."""
    await service.decline(proposal_id, body.reason, caller, cause, key)
    return Created(id=proposal_id)
