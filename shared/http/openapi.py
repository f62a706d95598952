"""What both OpenAPI documents share: each operation's id, for the functions a platform's
generated client is made of.

An operation's id is its route function's name in camelCase (`create_round` becomes
`createRound`, and openapi-python-client's `create_round`), instead of FastAPI's
`create_round_v1_rounds_post`. Renaming a route function renames a client's function:
tests/unit/test_openapi.py lists every id, so that shows in review.
"""

from __future__ import annotations

from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)
