"""The applications HTTP API under /v1: thin routes that build commands. Who may call
which route is access.py's; each route passes its caller on, for the events'
actor and for the scoping of applicants and platforms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.http import Caller, caller_of
from shared.auth.principal import Principal
from shared.eventstore import Cause
from shared.http.correlation import current_correlation_id
from shared.http.limits import within_limits
from shared.http.problems import INVALID, PROBLEM
from shared.read_log import Read, recorded

from .. import queries
from ..commands import (
    AmendApplication,
    OpenRound,
    ReviewApplication,
    SubmitApplication,
    WithdrawApplication,
)
from ..handlers import ApplicationsService
from .idempotency import IdempotencyKey
from .schemas import (
    AmendmentRequest,
    ApplicationRequest,
    ApplicationView,
    Created,
    HistoryEntry,
    RegisterCopyView,
    ReviewRequest,
    RoundRequest,
    RoundView,
    WithdrawalRequest,
)

# Limits run after authorization (an app dependency) and before the body is parsed.
router = APIRouter(prefix="/v1", responses=INVALID, dependencies=[Depends(within_limits)])


# Dependencies are `async def` though they await nothing: FastAPI runs a plain `def` in
# its thread pool, a thread hop per dependency per request.
async def _service(request: Request) -> ApplicationsService:
    return service_of(request)


def service_of(request: Request) -> ApplicationsService:
    service: ApplicationsService = request.app.state.service
    return service


async def _session(request: Request) -> Any:
    """A session for the routes that only read: without a transaction (no BEGIN, no
    ROLLBACK), so never for a write; writes go through the service's transactions."""
    async with request.app.state.reads() as session:
        yield session


async def _cause(
    request: Request, x_correlation_id: Annotated[UUID | None, Header()] = None
) -> Cause:
    """The events name the token's subject and role as their actor."""
    caller = await caller_of(request)
    return Cause(actor=caller.actor, correlation_id=x_correlation_id or current_correlation_id())


@dataclass(frozen=True)
class Acting:
    """What a command's route needs besides its body and key: the service, the caller and
    the cause of its events. One dependency where they were three: FastAPI's solving of a
    dependency cost a submission about as much as validating its body."""

    service: ApplicationsService
    caller: Principal
    cause: Cause


async def _acting(
    request: Request, x_correlation_id: Annotated[UUID | None, Header()] = None
) -> Acting:
    caller = await caller_of(request)
    cause = Cause(actor=caller.actor, correlation_id=x_correlation_id or current_correlation_id())
    return Acting(service_of(request), caller, cause)


# A route's own refusals besides INVALID (install_auth documents authorization's): a name
# that does not exist (or not for this caller), and a state or an Idempotency-Key that
# forbids it now.
MISSING: dict[int | str, dict[str, Any]] = {404: PROBLEM}
CONFLICT: dict[int | str, dict[str, Any]] = {404: PROBLEM, 409: PROBLEM}

ServiceDep = Annotated[ApplicationsService, Depends(_service)]
SessionDep = Annotated[AsyncSession, Depends(_session)]
CauseDep = Annotated[Cause, Depends(_cause)]
ActingDep = Annotated[Acting, Depends(_acting)]


@router.post("/rounds", status_code=201, responses={409: PROBLEM}, tags=["rounds"])
async def create_round(body: RoundRequest, acting: ActingDep, key: IdempotencyKey) -> Created:
    """Open a funding round with its window, budget, cap and pinned policy version."""
    command = OpenRound(**body.model_dump())
    return Created(id=await acting.service.open_round(command, acting.cause, key))


@router.get("/rounds/{round_id}", responses=MISSING, tags=["rounds"])
async def get_round(round_id: str, request: Request, _: Caller) -> RoundView:
    """A round's figures and how its applications stand."""
    async with request.app.state.read_engine.connect() as db:
        return RoundView(**await queries.round_view(db, round_id))


@router.post("/rounds/{round_id}/close", status_code=202, responses=CONFLICT, tags=["rounds"])
async def close_round(round_id: str, acting: ActingDep, key: IdempotencyKey) -> Created:
    """End intake now; allocation follows once every application is decided and scored."""
    await acting.service.close_round(round_id, acting.cause, key)
    return Created(id=round_id)


@router.post("/applications", status_code=201, responses=CONFLICT, tags=["applications"])
async def submit_application(
    body: ApplicationRequest, acting: ActingDep, key: IdempotencyKey
) -> Created:
    """Submit an application for one achievement in an open round: an applicant for its
    own enterprise, a platform for any, recorded as having come through it."""
    command = SubmitApplication(round_id=body.round_id, filing=body.filing())
    return Created(id=await acting.service.submit(command, acting.caller, acting.cause, key))


@router.get("/applications/{application_id}", responses=MISSING, tags=["applications"])
async def get_application(
    application_id: str, session: SessionDep, caller: Caller, service: ServiceDep
) -> ApplicationView:
    """An application's current status, as all services have decided it, and why it is
    not awarded when it is not."""
    view = await queries.application_view(session, application_id, caller, service.clock())
    return ApplicationView(**view)


@router.get("/enterprises/{credit_code}/applications", tags=["applications"])
async def get_enterprise_applications(
    credit_code: str, session: SessionDep, caller: Caller, service: ServiceDep
) -> list[ApplicationView]:
    """Every application of one enterprise the caller may see, oldest first."""
    rows = await queries.enterprise_applications(session, credit_code, caller, service.clock())
    return [ApplicationView(**row) for row in rows]


@router.get("/applications/{application_id}/history", responses=MISSING, tags=["applications"])
async def get_application_history(
    application_id: str, session: SessionDep, caller: Caller, request: Request
) -> list[HistoryEntry]:
    """Every event about the application, in order: who decided what, when and why. Its
    payloads hold the applicant's contact and evidence, and objectors' identities to
    those who may see them: the read is recorded."""
    rows = await queries.application_events(session, application_id, caller)
    fields = ["contact", "evidence"]
    if caller.role not in ("applicant", "platform"):
        fields += ["objector"] if any(r["event_type"] == "ObjectionLodged" for r in rows) else []
    await recorded(request, caller, [Read("application", application_id, tuple(fields))], session)
    return [HistoryEntry(**row) for row in rows]


@router.post(
    "/applications/{application_id}/review", status_code=202, responses=CONFLICT, tags=["review"]
)
async def review_application(
    application_id: str,
    body: ReviewRequest,
    acting: ActingDep,
    key: IdempotencyKey,
) -> Created:
    """Record a reviewer's decision: eligible, ineligible with a reason, or returned."""
    command = ReviewApplication(
        application_id=application_id,
        decision=body.decision,
        reason_code=body.reason_code,
        note=body.note,
        accept_credit_code=body.accept_credit_code,
        lead_decision=body.lead_decision,
    )
    await acting.service.review(command, acting.cause, key)
    return Created(id=application_id)


@router.post(
    "/applications/{application_id}/amend",
    status_code=202,
    responses=CONFLICT,
    tags=["applications"],
)
async def amend_application(
    application_id: str,
    body: AmendmentRequest,
    acting: ActingDep,
    key: IdempotencyKey,
) -> Created:
    """Resubmit a returned application with corrections."""
    command = AmendApplication(application_id, body.filing())
    await acting.service.amend(command, acting.caller, acting.cause, key)
    return Created(id=application_id)


@router.post(
    "/applications/{application_id}/withdraw",
    status_code=202,
    responses=CONFLICT,
    tags=["applications"],
)
async def withdraw_application(
    application_id: str,
    body: WithdrawalRequest,
    acting: ActingDep,
    key: IdempotencyKey,
) -> Created:
    """Withdraw an application that has not yet been decided by the round's allocation."""
    command = WithdrawApplication(application_id, body.reason)
    await acting.service.withdraw(command, acting.caller, acting.cause, key)
    return Created(id=application_id)


@router.get("/register/loads/{load_id}", responses=MISSING, tags=["applications"])
async def get_register_load(load_id: str, session: SessionDep, _: Caller) -> RegisterCopyView:
    """Whether intake holds filings to a register load yet: the load as intake's copy has
    it, 404 until the copy has read it from the register topic (seconds after the load)."""
    return RegisterCopyView.model_validate(await queries.register_load(session, load_id))
