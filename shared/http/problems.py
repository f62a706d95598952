"""Every refusal in one shape, `application/problem+json`: which field, which rule, in
words. `rule` is the stable code a client acts on; the message is for people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

PROBLEM_JSON = "application/problem+json"
# For a route's OpenAPI `responses=`: a refusal in the problem shape.
PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}}
# Every route with a body or parameters may answer these; naming 422 here also keeps
# FastAPI from documenting its own (application/json) validation error, which we never send.
INVALID: dict[int | str, dict[str, Any]] = {
    413: {"description": "the body is over the size limit (rule body_too_large)", **PROBLEM},
    422: {"description": "the request breaks a rule (errors[].field, errors[].rule)", **PROBLEM},
}


class ProblemItem(BaseModel):
    field: str
    rule: str
    message: str


class Problem(BaseModel):
    """A refusal: a title for people, the status, and each broken rule with its field."""

    title: str
    status: int
    errors: list[ProblemItem]


class Refused(Exception):
    """Raised inside a transaction to refuse a request: the transaction rolls back (and
    with it any Idempotency-Key claimed), and the client gets the problem."""

    def __init__(self, status: int, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.item = {"field": field, "rule": rule, "message": message}


def problem(
    status: int, title: str, errors: list[dict[str, str]], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"title": title, "status": status, "errors": errors},
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def dotted(location: tuple[int | str, ...]) -> str:
    """`evidence.0.name`, not `body.evidence.0.name`: the body is noise."""
    return ".".join(str(part) for part in location if part != "body")


def install_problems(
    app: FastAPI, field_name: Callable[[tuple[int | str, ...]], str] = dotted
) -> None:
    """Refusals of `Refused` and of request validation, as problem+json."""

    @app.exception_handler(Refused)
    async def refused(_: Request, error: Refused) -> JSONResponse:
        return problem(error.status, error.item["message"], [error.item])

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        items = [
            {"field": field_name(e["loc"]), "rule": e["type"], "message": e["msg"]}
            for e in error.errors()
        ]
        return problem(422, "the request breaks a rule", items)
