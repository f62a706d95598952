"""Every refusal in one shape, `application/problem+json`: which field, which rule, in
words. `rule` is the stable code a client acts on; the message is for people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

PROBLEM_JSON = "application/problem+json"
# For a route's OpenAPI `responses=`: a refusal in the problem shape.
PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}}
# The shape itself, for the refusals documented with their body (shared/http/openapi.py's
# `install_responses`): what a client can rely on in any of them.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "status", "errors"],
    "properties": {
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "rule", "message"],
                "properties": {
                    "field": {"type": "string", "description": "where: a dotted field name"},
                    "rule": {"type": "string", "description": "the stable code to act on"},
                    "message": {"type": "string", "description": "for people"},
                },
            },
        },
    },
}


def problem_response(description: str, **extra: Any) -> dict[str, Any]:
    """An OpenAPI response: a refusal whose body is the problem shape."""
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}},
        **extra,
    }


# Every route with a body or parameters may answer these; naming 422 here also keeps
# FastAPI from documenting its own (application/json) validation error, which we never send.
INVALID: dict[int | str, dict[str, Any]] = {
    413: {"description": "the body is over the size limit (rule body_too_large)", **PROBLEM},
    422: {"description": "the request breaks a rule (errors[].field, errors[].rule)", **PROBLEM},
}


class Refused(Exception):
    """Raised inside a transaction to refuse a request: the transaction rolls back (and
    with it any Idempotency-Key claimed), and the client gets the problem."""

    def __init__(self, status: int, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.item = {"field": field, "rule": rule, "message": message}


_HTTP_RULES = {400: "json_invalid", 404: "route_not_found", 405: "method_not_allowed"}


def problem(
    status: int, title: str, errors: list[dict[str, str]], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"title": title, "status": status, "errors": errors},
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path, as the OpenAPI document lists them.
    Starlette's own `Allow` names only the first route that matched the path (POST
    /v1/webhooks, not also its GET)."""
    routes = request.app.router.routes
    return [
        method
        for method in SERVED_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


SERVED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


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

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        # FastAPI's own refusals: 400 for a body it cannot decode at all (not UTF-8 JSON),
        # which is the client's malformed JSON like any other (422), and 404 and 405
        # for routes and methods that do not exist.
        status = 422 if error.status_code == 400 else error.status_code
        rule = _HTTP_RULES.get(error.status_code, f"http_{error.status_code}")
        item = {"field": "body" if rule == "json_invalid" else "", "rule": rule}
        message = str(error.detail)
        headers = dict(error.headers) if error.headers else None
        if error.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return problem(status, message, [{**item, "message": message}], headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        items = [_whole_body(e) or _item(e, field_name) for e in error.errors()]
        return problem(422, "the request breaks a rule", items)


def _item(error: Any, field_name: Callable[[tuple[int | str, ...]], str]) -> dict[str, str]:
    return {"field": field_name(error["loc"]), "rule": error["type"], "message": error["msg"]}


def _whole_body(error: Any) -> dict[str, str] | None:
    """The body as a whole is wrong: pydantic's words for it ("JSON decode error" at a
    field named by the character's position, "valid dictionary" at a field named "")
    are a parser's, not a caller's."""
    location, kind = tuple(error["loc"]), error["type"]
    if location[:1] != ("body",):
        return None
    if kind == "json_invalid":
        reason, at = error.get("ctx", {}).get("error", "not JSON"), location[1:2]
        where = f" at character {at[0]}" if at else ""
        message = f"the body is not valid JSON: {reason.lower()}{where}"
        return {"field": "body", "rule": "json_invalid", "message": message}
    if location != ("body",):
        return None
    if kind == "missing":
        message = "the request has no body: send a JSON object"
        return {"field": "body", "rule": "missing", "message": message}
    if kind == "model_attributes_type" and isinstance(error.get("input"), bytes):
        # FastAPI parses JSON only when the content type says so, else passes the bytes.
        message = "the body was not sent as JSON: send it with Content-Type: application/json"
        return {"field": "content-type", "rule": "content_type", "message": message}
    if kind == "model_attributes_type":
        message = f"the body must be a JSON object, not {_json_kind(error.get('input'))}"
        return {"field": "body", "rule": "object_required", "message": message}
    return None


def _json_kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")
