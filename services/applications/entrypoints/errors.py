"""Every refusal in one shape: which field, which rule, in words."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from shared.eventstore import ConcurrencyError

from ..domain.errors import DomainError, InvalidInput, NotAllowedNow, NotFound

_STATUS = {InvalidInput: 422, NotAllowedNow: 409, NotFound: 404}


def problem(status: int, title: str, errors: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse(
        {"title": title, "status": status, "errors": errors},
        status_code=status,
        media_type="application/problem+json",
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        status = _STATUS.get(type(error), 422)
        item = {"field": error.field, "rule": error.rule, "message": error.message}
        return problem(status, error.message, [item])

    @app.exception_handler(ConcurrencyError)
    async def concurrent_change(_: Request, error: ConcurrencyError) -> JSONResponse:
        item = {"field": "", "rule": "concurrent_change", "message": str(error)}
        return problem(409, "changed by someone else meanwhile; reload and retry", [item])

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        items = [
            {
                "field": ".".join(str(part) for part in e["loc"] if part != "body"),
                "rule": e["type"],
                "message": e["msg"],
            }
            for e in error.errors()
        ]
        return problem(422, "the request breaks a rule", items)
