"""Which applications a caller may see and act on: an applicant its enterprise's, a
platform what came through it, every other role (the matrix allowing) all of them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from shared.auth.principal import Forbidden, Principal

from .adapters.tables import application
from .domain.application import Filing


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """A condition on the application table. Applications outside it answer 404, as if
    they did not exist: an id does not tell another enterprise that it exists."""
    if principal.role == "applicant":
        return application.c.credit_code == principal.credit_code
    if principal.role == "platform":
        return application.c.submitted_via == principal.subject
    return true()


def check_filing(principal: Principal, filing: Filing) -> None:
    """An applicant files for its own enterprise only, first and in every amendment."""
    if principal.role == "applicant" and filing.enterprise.credit_code != principal.credit_code:
        raise Forbidden(
            "own_enterprise",
            "an applicant's token is bound to another enterprise's credit code",
            field="enterprise.credit_code",
        )


def submitted_via(principal: Principal) -> str | None:
    """What the application records as its channel: the platform, or None if direct."""
    return principal.subject if principal.role == "platform" else None
