"""The payments HTTP API: an award's payments, the payee's account, the officer's
milestones, revocations and repayments. Routes parse and delegate to the service; who
may call which is shared/auth/matrix.py's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from shared.auth.http import Caller
from shared.http.limits import within_limits
from shared.http.problems import INVALID, PROBLEM
from shared.read_log import Read, recorded

from ..domain.account import payee
from ..service import PaymentsService
from ..views import AwardView, RoundPaymentsView
from .schemas import MilestoneRequest, PayeeRequest, RepaymentRequest, RevocationRequest

router = APIRouter(
    prefix="/v1",
    responses=INVALID,
    dependencies=[Depends(within_limits)],
    tags=["payments"],
)
ANSWERS: dict[int | str, dict[str, Any]] = {404: PROBLEM, 409: PROBLEM}


async def _service(request: Request) -> PaymentsService:  # async: no thread hop
    service: PaymentsService = request.app.state.service
    return service


ServiceDep = Annotated[PaymentsService, Depends(_service)]


@router.get("/awards/{application_id}", responses={404: PROBLEM})
async def get_award(
    application_id: str, service: ServiceDep, caller: Caller, request: Request
) -> AwardView:
    """An award's payments: what is final, paid and due back, and every instruction. The
    payee's account an instruction shows (masked) is recorded as read."""
    view = await service.award(caller, application_id)
    if view.instructions:
        await recorded(request, caller, [Read("award", application_id, ("payee_account",))])
    return view


@router.put("/awards/{application_id}/payee", responses=ANSWERS)
async def register_payee(
    application_id: str, body: PayeeRequest, service: ServiceDep, caller: Caller
) -> AwardView:
    """Register, or correct, the account the award is paid into. Once the award is final,
    what is due is instructed; a payment that failed on the account goes again to the
    corrected one."""

    def account(credit_code: str) -> Any:
        return payee(
            credit_code, body.account_name, body.account_number, body.bank_name, body.cnaps_code
        )

    return await service.register_payee(caller, application_id, account)


@router.post("/awards/{application_id}/milestones", responses=ANSWERS)
async def reach_milestone(
    application_id: str, body: MilestoneRequest, service: ServiceDep, caller: Caller
) -> AwardView:
    """Record the milestone a later tranche waits for (an acceptance report); the tranche
    is then instructed."""
    return await service.reach_milestone(
        caller, application_id, body.milestone, body.document_reference
    )


@router.post("/awards/{application_id}/revoke", responses=ANSWERS)
async def revoke_award(
    application_id: str, body: RevocationRequest, service: ServiceDep, caller: Caller
) -> AwardView:
    """Revoke a final award: unpaid instructions are cancelled at the bureau and what was
    paid is due back. For false materials, the enterprise is barred for three years."""
    return await service.revoke(caller, application_id, body.reason, body.document_reference)


@router.post("/awards/{application_id}/repayments", responses=ANSWERS)
async def record_repayment(
    application_id: str, body: RepaymentRequest, service: ServiceDep, caller: Caller
) -> AwardView:
    """Record money paid back on a revoked award; the same reference again changes nothing."""
    return await service.record_repayment(caller, application_id, body.amount_yuan, body.reference)


@router.get("/rounds/{round_id}/payments")
async def get_round_payments(round_id: str, service: ServiceDep, _: Caller) -> RoundPaymentsView:
    """A round's payments in sum: final, paid, due back; awards still without an account,
    and calls to the bureau that wait for an operator."""
    return await service.round_payments(round_id)
