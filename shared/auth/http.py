"""The one place every HTTP request is authenticated and checked against the matrix.

Each service's app is built with `dependencies=[AUTHORIZED]` and `install_auth(...)`
with its own `Access` (shared.auth.matrix): the dependency runs before any route's own
dependencies and before the body is validated, looks the route up in that table,
verifies the bearer token and refuses a role the row does not list. Routes take the
caller as `Caller`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.http.openapi import install_responses
from shared.http.problems import problem_response

from .matrix import Access
from .principal import AuthError, Forbidden, Principal, Unauthenticated
from .revocation import RevocationFeed
from .verify import TokenVerifier

REALM = "qsfund"
_bearer = HTTPBearer(
    auto_error=False,
    description="A JWT from the district's issuer; `qsfund-token` mints one for the local stack.",
)


@dataclass(frozen=True)
class Authorization:
    access: Access
    verifier: TokenVerifier
    revocations: RevocationFeed | None = None


def install_auth(
    app: FastAPI,
    access: Access,
    verifier: TokenVerifier,
    revocations: RevocationFeed | None = None,
) -> None:
    """Give the app its table of who may call what, its verifier, the revocations it
    refuses (shared/auth/revocation.py) and the problem+json answer for refusals."""
    app.state.authorization = Authorization(access, verifier, revocations)
    app.add_exception_handler(AuthError, _refused)  # type: ignore[arg-type]
    # Every route but the public ones takes a token: each says what a refusal of it is.
    install_responses(app, lambda method, path: {} if access.is_public(method, path) else REFUSALS)


async def authorize(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller, verified and allowed by the matrix; None on a public route."""
    principal = await _authorized(request, credentials)
    # Kept for the dependencies after it (principal_of): each dependency FastAPI solves
    # costs it a walk of that dependency's own tree, on every request.
    request.state.principal = principal
    return principal


async def _authorized(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Principal | None:
    authorization: Authorization = request.app.state.authorization
    method, path = request.method, request.scope["route"].path_format
    access = authorization.access
    if access.is_public(method, path):
        return None
    if credentials is None:
        raise Unauthenticated("token_missing", "send a bearer token: Authorization: Bearer <jwt>")
    principal = await authorization.verifier.verify(credentials.credentials)
    if authorization.revocations is not None:
        revoked = await authorization.revocations.refusal(principal)
        if revoked is not None:
            raise Unauthenticated("token_revoked", revoked)
    roles = access.allowed_roles(method, path)
    if roles is None:
        raise Forbidden("not_in_matrix", f"{method} {path} is open to no role")
    if principal.role not in roles:
        raise Forbidden(
            "role_not_allowed", f"{_a(principal.role)} may not {method} {path}", field="role"
        )
    return principal


def _a(role: str) -> str:
    """`an applicant`, `a program officer`: the role in a sentence."""
    words = role.replace("_", " ")
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


AUTHORIZED = Depends(authorize)

# What every route that takes a token may answer, documented on each by `install_auth`.
_CHALLENGE = {
    "WWW-Authenticate": {
        "description": 'the Bearer challenge (RFC 6750), with error="invalid_token" when a '
        'token came and failed, error="insufficient_scope" on a 403',
        "schema": {"type": "string"},
    }
}
REFUSALS: dict[str, dict[str, Any]] = {
    "401": problem_response("no token, or one failing a check (errors[].rule)", headers=_CHALLENGE),
    "403": problem_response("the token's role or binding does not allow this", headers=_CHALLENGE),
    "503": problem_response("the issuer's keys, or the revoked tokens, are not known yet; retry"),
}


async def principal_of(request: Request) -> Principal | None:
    """The caller `authorize` found for this request: every app takes it as its first
    dependency (`dependencies=[AUTHORIZED, ...]`). On an app that does not, it runs here."""
    try:
        principal: Principal | None = request.state.principal
    except AttributeError:
        return await authorize(request, await _bearer(request))
    return principal


async def _caller(request: Request) -> Principal:
    # async though it awaits nothing: a plain `def` would cost a thread hop per request.
    return await caller_of(request)


async def caller_of(request: Request) -> Principal:
    """What `Caller` gives a route, for a dependency of its own (which then costs no
    walk of Caller's tree)."""
    principal = await principal_of(request)
    if principal is None:  # a public route asked for a caller: a wiring mistake
        raise Forbidden("not_in_matrix", "this route takes no caller")
    return principal


Caller = Annotated[Principal, Depends(_caller)]


async def _refused(_: Request, error: AuthError) -> JSONResponse:
    headers = {}
    if error.status == 401:
        # RFC 6750: no error code when no token came, invalid_token when one did.
        detail = (
            ""
            if error.rule == "token_missing"
            else f', error="invalid_token", error_description="{error.rule}"'
        )
        headers["WWW-Authenticate"] = f'Bearer realm="{REALM}"{detail}'
    elif error.status == 403:
        headers["WWW-Authenticate"] = f'Bearer realm="{REALM}", error="insufficient_scope"'
    item = {"field": error.field, "rule": error.rule, "message": error.message}
    return JSONResponse(
        {"title": error.message, "status": error.status, "errors": [item]},
        status_code=error.status,
        media_type="application/problem+json",
        headers=headers,
    )
