"""The applications HTTP API under /v1: thin routes that build commands."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shared.envelope import Actor
from shared.eventstore import Cause

from .. import queries
from ..commands import (
    AmendApplication,
    OpenRound,
    ReviewApplication,
    SubmitApplication,
    WithdrawApplication,
)
from ..handlers import ApplicationsService
from .schemas import (
    AmendmentRequest,
    ApplicationRequest,
    ApplicationView,
    Created,
    HistoryEntry,
    ReviewRequest,
    RoundRequest,
    RoundView,
    WithdrawalRequest,
)

router = APIRouter(prefix="/v1")


def _service(request: Request) -> ApplicationsService:
    service: ApplicationsService = request.app.state.service
    return service


async def _session(request: Request) -> Any:
    async with _service(request).sessions() as session:
        yield session


def _cause(role: str) -> Any:
    # Until tokens arrive (issue 6), the caller names itself in headers.
    def cause(
        x_actor_id: Annotated[str, Header(min_length=1, max_length=200)] = "anonymous",
        x_correlation_id: Annotated[UUID | None, Header()] = None,
    ) -> Cause:
        return Cause(
            actor=Actor(id=x_actor_id, role=role), correlation_id=x_correlation_id or uuid4()
        )

    return cause


ServiceDep = Annotated[ApplicationsService, Depends(_service)]
SessionDep = Annotated[AsyncSession, Depends(_session)]
Officer = Annotated[Cause, Depends(_cause("program_officer"))]
Applicant = Annotated[Cause, Depends(_cause("applicant"))]
Reviewer = Annotated[Cause, Depends(_cause("reviewer"))]


@router.post("/rounds", status_code=201)
async def create_round(body: RoundRequest, service: ServiceDep, cause: Officer) -> Created:
    """Open a funding round with its window, budget, cap and pinned policy version."""
    return Created(id=await service.open_round(OpenRound(**body.model_dump()), cause))


@router.get("/rounds/{round_id}")
async def get_round(round_id: str, session: SessionDep) -> RoundView:
    """A round's figures and how its applications stand."""
    return RoundView(**await queries.round_view(session, round_id))


@router.post("/rounds/{round_id}/close", status_code=202)
async def close_round(round_id: str, service: ServiceDep, cause: Officer) -> Created:
    """End intake now; allocation follows once every application is decided and scored."""
    await service.close_round(round_id, cause)
    return Created(id=round_id)


@router.post("/applications", status_code=201)
async def submit_application(
    body: ApplicationRequest, service: ServiceDep, cause: Applicant
) -> Created:
    """Submit an application for one achievement in an open round."""
    command = SubmitApplication(round_id=body.round_id, filing=body.filing())
    return Created(id=await service.submit(command, cause))


@router.get("/applications/{application_id}")
async def get_application(application_id: str, session: SessionDep) -> ApplicationView:
    """An application's current status, as all services have decided it."""
    return ApplicationView(**await queries.application_view(session, application_id))


@router.get("/enterprises/{credit_code}/applications")
async def get_enterprise_applications(
    credit_code: str, session: SessionDep
) -> list[ApplicationView]:
    """Every application of one enterprise, oldest first."""
    rows = await queries.enterprise_applications(session, credit_code)
    return [ApplicationView(**row) for row in rows]


@router.get("/applications/{application_id}/history")
async def get_history(application_id: str, session: SessionDep) -> list[HistoryEntry]:
    """Every event about the application, in order: who decided what, when and why."""
    return [
        HistoryEntry(**row) for row in await queries.application_events(session, application_id)
    ]


@router.post("/applications/{application_id}/review", status_code=202)
async def review_application(
    application_id: str, body: ReviewRequest, service: ServiceDep, cause: Reviewer
) -> Created:
    """Record a reviewer's decision: eligible, ineligible with a reason, or returned."""
    command = ReviewApplication(
        application_id=application_id,
        decision=body.decision,
        reason_code=body.reason_code,
        note=body.note,
        accept_credit_code=body.accept_credit_code,
    )
    await service.review(command, cause)
    return Created(id=application_id)


@router.post("/applications/{application_id}/amend", status_code=202)
async def amend_application(
    application_id: str, body: AmendmentRequest, service: ServiceDep, cause: Applicant
) -> Created:
    """Resubmit a returned application with corrections."""
    await service.amend(AmendApplication(application_id, body.filing()), cause)
    return Created(id=application_id)


@router.post("/applications/{application_id}/withdraw", status_code=202)
async def withdraw_application(
    application_id: str, body: WithdrawalRequest, service: ServiceDep, cause: Applicant
) -> Created:
    """Withdraw an application that has not yet been decided by the round's allocation."""
    await service.withdraw(WithdrawApplication(application_id, body.reason), cause)
    return Created(id=application_id)
