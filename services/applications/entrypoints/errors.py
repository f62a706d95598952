"""Every refusal in one shape: which field, which rule, in words."""

from __future__ import annotations

from typing import get_args

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.contracts.values import Category
from shared.eventstore import ConcurrencyError
from shared.http.problems import install_problems, problem

from ..domain.errors import DomainError, InvalidInput, NotAllowedNow, NotFound, TooMany

CLAIM_CATEGORIES = frozenset(get_args(Category))
_STATUS = {InvalidInput: 422, NotAllowedNow: 409, NotFound: 404, TooMany: 429}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        status = _STATUS.get(type(error), 422)
        item = {"field": error.field, "rule": error.rule, "message": error.message}
        answer = problem(status, error.message, [item])
        if isinstance(error, TooMany):
            answer.headers["Retry-After"] = str(error.retry_after)
        return answer

    @app.exception_handler(ConcurrencyError)
    async def concurrent_change(_: Request, error: ConcurrencyError) -> JSONResponse:
        item = {"field": "", "rule": "concurrent_change", "message": str(error)}
        return problem(409, "changed by someone else meanwhile; reload and retry", [item])

    install_problems(app, field_name)


def field_name(location: tuple[int | str, ...]) -> str:
    """`claim.role`, not `body.claim.standard.role`: the body and a union's tag are noise."""
    parts = [str(part) for part in location if part != "body"]
    if len(parts) > 2 and parts[0] == "claim" and parts[1] in CLAIM_CATEGORIES:
        del parts[1]
    return ".".join(parts)
