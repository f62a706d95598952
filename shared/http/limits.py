"""Limits on what a request body holds, from settings, checked before the body is parsed
into models: every string's length, every list's length, how deep it nests, and named
lists (the evidence) on their own. The models' own maxima (OpenAPI's maxLength,
maxItems) are the contract's ceiling; these settings can only make it tighter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from .problems import Refused


@dataclass(frozen=True)
class Limits:
    max_string_length: int = 2000
    max_list_length: int = 50
    max_depth: int = 8
    # Limits for lists at a named field, such as {"evidence": 20}, instead of the above.
    max_items: dict[str, int] = field(default_factory=dict)


def check(limits: Limits, value: Any, path: tuple[str, ...] = (), depth: int = 0) -> None:
    """Raise Refused (422) naming the first field that breaks a limit."""
    where = ".".join(path) or "body"
    if depth > limits.max_depth:
        raise Refused(422, where, "too_deep", f"nested deeper than {limits.max_depth} levels")
    if isinstance(value, str):
        _check_text(where, value)
        if len(value) > limits.max_string_length:
            message = f"longer than {limits.max_string_length} characters"
            raise Refused(422, where, "string_too_long", message)
    if isinstance(value, list):
        most = limits.max_items.get(where, limits.max_list_length)
        if len(value) > most:
            raise Refused(422, where, "too_long", f"more than {most} items")
        for index, item in enumerate(value):
            check(limits, item, (*path, str(index)), depth + 1)
    if isinstance(value, dict):
        for name, item in value.items():
            check(limits, item, (*path, str(name)), depth + 1)


def _check_text(where: str, value: str) -> None:
    # PostgreSQL stores no NUL character in text: refused here, not a 500 there.
    if "\x00" in value:
        raise Refused(422, where, "null_character", "contains a NUL character")


async def within_limits(request: Request) -> None:
    """A router dependency: the app's `state.limits` applied to a JSON body, if any, and
    path and query parameters free of NUL characters."""
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        _check_text(name, str(value))
    if not await request.body():
        return
    try:
        # The parse FastAPI made of a JSON body (Starlette keeps it on the request), not
        # a second one.
        parsed = await request.json()
    except ValueError:
        return  # the route's own parsing refuses it, in its words
    except RecursionError:
        # Thousands of nested brackets fit in the body limit and overflow any recursive
        # parser, the route's too: refused here, before that is a 500.
        raise Refused(422, "body", "too_deep", "nested too deeply") from None
    check(request.app.state.limits, parsed)
