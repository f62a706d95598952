"""The operator's side of the calls owed to the finance bureau: which are parked, and
reconciling one with what the bureau holds (docs/finance-contract.md: after a long
silence, its status is asked before anything else is done)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from shared.auth.http import Caller
from shared.http.limits import within_limits
from shared.http.problems import PROBLEM

from ..bureau_calls import BureauCalls
from ..views import BureauCallView, ReconciledView

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", dependencies=[Depends(within_limits)], tags=["payments"])


async def _calls(request: Request) -> BureauCalls:  # async: no thread hop
    calls: BureauCalls = request.app.state.calls
    return calls


CallsDep = Annotated[BureauCalls, Depends(_calls)]


@router.get("/bureau-calls")
async def list_parked_bureau_calls(calls: CallsDep, _: Caller) -> list[BureauCallView]:
    """Calls to the bureau parked for an operator, oldest first, with the last error."""
    return await calls.parked()


@router.post(
    "/bureau-calls/{instruction_id}/reconcile",
    responses={404: PROBLEM, 409: PROBLEM, 503: PROBLEM},
)
async def reconcile_bureau_call(
    instruction_id: str, calls: CallsDep, caller: Caller
) -> ReconciledView:
    """Ask the bureau what it holds of the instruction and act on it: its outcome is
    recorded, or the call (the cancellation, for a revoked award) is sent again."""
    reconciled = await calls.reconcile(instruction_id)
    log.info("bureau call %s reconciled by %s", instruction_id, caller.subject)
    return reconciled
