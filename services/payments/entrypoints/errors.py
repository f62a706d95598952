"""A refused payment command in the house's problem shape: which field, which rule."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.eventstore import ConcurrencyError
from shared.http.problems import install_problems, problem
from shared.rules.payments.errors import Conflicting, InvalidInput, NotAllowedNow, PaymentError

from ..bureau_calls import BureauUnavailable
from ..domain.callbacks import NotSigned
from ..service import NotFound

_STATUS: dict[type[PaymentError], int] = {
    InvalidInput: 422,
    NotAllowedNow: 409,
    Conflicting: 409,
    NotFound: 404,
    NotSigned: 401,
    BureauUnavailable: 503,
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PaymentError)
    async def refused(_: Request, error: PaymentError) -> JSONResponse:
        item = {"field": error.field, "rule": error.rule, "message": error.message}
        return problem(_STATUS.get(type(error), 422), error.message, [item])

    @app.exception_handler(ConcurrencyError)
    async def concurrent_change(_: Request, error: ConcurrencyError) -> JSONResponse:
        item = {"field": "", "rule": "concurrent_change", "message": str(error)}
        return problem(409, "changed by someone else meanwhile; retry", [item])

    install_problems(app)
