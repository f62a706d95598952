"""The finance bureau's outcome callbacks (docs/finance-contract.md, Direction 2): no
token, a signature under the bureau's secret instead. Recorded once, whatever is sent
twice or late; a contradiction is refused with 409 and changes nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from shared.contracts.base import Contract
from shared.http.problems import PROBLEM
from shared.rules.payments.ledger import AwardLedger

from ..bureau_calls import BUREAU
from ..domain.callbacks import PaidCallback, read_callback
from ..service import PaymentsService

router = APIRouter(prefix="/v1", tags=["finance"])
ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"description": "not signed by the bureau, or stale", **PROBLEM},
    404: {"description": "an instruction qsfund never made", **PROBLEM},
    409: {"description": "contradicts what is recorded; nothing changed", **PROBLEM},
    422: {"description": "malformed, or an unknown reason code", **PROBLEM},
}


@router.post("/finance/callbacks", status_code=204, responses=ANSWERS)
async def finance_callback(
    request: Request,
    x_finance_timestamp: Annotated[str | None, Header()] = None,
    x_finance_signature: Annotated[str | None, Header()] = None,
) -> Response:
    """The bureau says an instruction was paid or failed. 204 when recorded or already
    recorded; the bureau retries anything but 2xx and 409."""
    service: PaymentsService = request.app.state.service
    callback = read_callback(
        await request.body(),
        x_finance_timestamp,
        x_finance_signature,
        request.app.state.bureau_secrets,
        service.clock(),
    )

    def decide(ledger: AwardLedger) -> list[Contract]:
        if isinstance(callback, PaidCallback):
            return ledger.paid(
                callback.instruction_id, callback.amount_yuan, callback.bank_reference, callback.at
            )
        return ledger.failed(
            callback.instruction_id, callback.reason, callback.message, callback.at
        )

    await service.bureau_outcome(callback.instruction_id, decide, BUREAU)
    return Response(status_code=204)
