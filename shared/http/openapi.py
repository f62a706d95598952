"""What both OpenAPI documents share: each operation's id, for the functions a platform's
generated client is made of, and the links between operations.

An operation's id is its route function's name in camelCase (`create_round` becomes
`createRound`, and openapi-python-client's `create_round`), instead of FastAPI's
`create_round_v1_rounds_post`. Renaming a route function renames a client's function:
tests/unit/test_openapi.py lists every id, so that shows in review.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel


def operation_id(route: APIRoute) -> str:
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


# Links from an operation's answer to the operations it makes callable, by operationId:
# {source: {status: {name: link}}}. They tell a reader (and a stateful fuzzer) that a
# round's id is what its applications are filed under, and so on.
Links = dict[str, dict[str, dict[str, dict[str, Any]]]]


def link(operation_id: str, **values: Any) -> dict[str, Any]:
    """A link to `operation_id`, filling its parameters (or, with `requestBody`, fields of
    its body) from runtime expressions such as `$response.body#/id`."""
    body = values.pop("requestBody", None)
    found: dict[str, Any] = {"operationId": operation_id, "parameters": values}
    if body is not None:
        found["requestBody"] = body
    return found


def install_links(app: FastAPI, links: Links) -> None:
    """Add `links` to the app's OpenAPI document as FastAPI generates it (and caches it)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        for item in document["paths"].values():
            for operation in item.values():
                for status, named in links.get(operation.get("operationId", ""), {}).items():
                    operation["responses"][status].setdefault("links", {}).update(named)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def install_body_schemas(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Add the schemas of bodies a route reads itself (so FastAPI never saw their model)
    to the OpenAPI document's components, where the route's `openapi_extra` refers."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            found = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, schema in found.pop("$defs", {}).items():
                schemas.setdefault(name, schema)
            schemas[model.__name__] = found
        return document

    app.openapi = openapi  # type: ignore[method-assign]


# An operation's path and method as the document spells them, to the responses to add.
ResponsesFor = Callable[[str, str], dict[str, dict[str, Any]]]


def install_responses(app: FastAPI, responses_for: ResponsesFor) -> None:
    """Add to each operation of the app's document the answers `responses_for(METHOD,
    path)` names for it: those of an app-wide dependency (authorization, the rate
    limit), which FastAPI documents on no route. Every route the dependency covers then
    says so, including one added later, and none it does not cover.

    Each answer is written once, in `components/responses` (named by its status, such
    as `TooManyRequests`), and each operation refers to it: written out in every
    operation, the 401, 403, 429 and 503 made up most of the documents."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        shared = document.setdefault("components", {}).setdefault("responses", {})
        for path, item in document["paths"].items():
            for method, operation in item.items():
                for status, response in responses_for(method.upper(), path).items():
                    name = _component_name(shared, status, response)
                    operation["responses"][status] = {"$ref": f"#/components/responses/{name}"}
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _component_name(shared: dict[str, Any], status: str, response: dict[str, Any]) -> str:
    """The name `response` has in `shared`, adding it (a copy: the document is one tree
    that nothing outside it changes) under its status's phrase, numbered if another
    answer of that status took the phrase."""
    phrase = "".join(HTTPStatus(int(status)).phrase.title().split())
    name, number = phrase, 1
    while name in shared and shared[name] != response:
        number += 1
        name = f"{phrase}{number}"
    shared.setdefault(name, copy.deepcopy(response))
    return name
