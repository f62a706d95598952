"""The services' FastAPI apps as `bootstrap` builds them, with the tests' token issuer
and a database that is never connected to: for what an API answers before it reaches
the database or the broker (refusals, its OpenAPI document)."""

from __future__ import annotations

from fastapi import FastAPI

from services.applications.bootstrap import ApplicationsSettings
from services.applications.bootstrap import build_app as build_applications
from services.notifications.bootstrap import NotificationsSettings
from services.notifications.bootstrap import build_app as build_notifications
from services.payments.bootstrap import PaymentsSettings
from services.payments.bootstrap import build_app as build_payments
from services.register.bootstrap import RegisterSettings
from services.register.bootstrap import build_app as build_register
from services.reports.bootstrap import ReportsSettings
from services.reports.bootstrap import build_app as build_reports
from tests.support.tokens import Tokens

NOWHERE = "postgresql+asyncpg://nobody:nothing@127.0.0.1:9/none"


def applications_app(tokens: Tokens) -> FastAPI:
    return build_applications(
        ApplicationsSettings(
            applications_database_url=NOWHERE,
            qsfund_auth_jwks_file=tokens.issuer.jwks_file,
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )


def notifications_app(tokens: Tokens) -> FastAPI:
    return build_notifications(
        NotificationsSettings(
            notifications_database_url=NOWHERE,
            qsfund_auth_jwks_file=tokens.issuer.jwks_file,
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )


def payments_app(tokens: Tokens) -> FastAPI:
    return build_payments(
        PaymentsSettings(
            payments_database_url=NOWHERE,
            qsfund_auth_jwks_file=tokens.issuer.jwks_file,
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )


def reports_app(tokens: Tokens) -> FastAPI:
    return build_reports(
        ReportsSettings(
            reports_database_url=NOWHERE,
            qsfund_auth_jwks_file=tokens.issuer.jwks_file,
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )


def register_app(tokens: Tokens) -> FastAPI:
    return build_register(
        RegisterSettings(
            register_database_url=NOWHERE,
            qsfund_auth_jwks_file=tokens.issuer.jwks_file,
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )
