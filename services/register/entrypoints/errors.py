"""A refused register request in the house's problem shape: which field, which rule."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.http.problems import install_problems, problem

from ..domain.errors import Conflicting, InvalidInput, NotFound, Problems, RegisterError

_STATUS: dict[type[RegisterError], int] = {InvalidInput: 422, Conflicting: 409, NotFound: 404}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RegisterError)
    async def refused(_: Request, error: RegisterError) -> JSONResponse:
        if isinstance(error, Problems):  # an official list's every problem
            items = [
                {"field": p.field, "rule": p.rule, "message": p.message} for p in error.problems
            ]
            return problem(422, error.message, items)
        item = {"field": error.field, "rule": error.rule, "message": error.message}
        return problem(_STATUS.get(type(error), 422), error.message, [item])

    install_problems(app)
