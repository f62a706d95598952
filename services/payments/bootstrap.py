"""The only place the payments service builds its engine, broker, bureau client and app."""

from __future__ import annotations

import sys
from typing import Annotated

from fastapi import FastAPI
from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from shared.auth.http import AUTHORIZED, install_auth
from shared.auth.revocation import RevocationFeed
from shared.auth.settings import AuthSettings
from shared.auth.verify import build_verifier
from shared.consumer import IdempotentConsumer
from shared.contracts.documentation import PaymentsTopicEvent
from shared.deadletter import DeadLetters
from shared.envelope import Actor
from shared.eventstore import EventStore
from shared.http.body import BodyLimit
from shared.http.limits import Limits
from shared.http.openapi import install_links, operation_id
from shared.http.rate_limits import RATE_LIMITED, RateLimiter, install_rate_limits
from shared.kafka import build_broker, subscribe
from shared.publishing import BrokerPublisher
from shared.read_log import ReadLog, install_read_log
from shared.rebuild import Projection, run_rebuild
from shared.relay import OutboxRelay
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings
from shared.topics import Topics

from .adapters.finance import (
    DEVELOPMENT_FROM_BUREAU_SECRET,
    DEVELOPMENT_TO_BUREAU_SECRET,
    FinanceBureau,
)
from .adapters.projection import project_many
from .adapters.tables import award, backbone, instruction, metadata, rate_limit, read_log
from .bureau_calls import BureauCalls
from .entrypoints import callbacks, http, operations
from .entrypoints.access import ACCESS
from .entrypoints.errors import install_error_handlers
from .entrypoints.links import LINKS
from .service import CONSUMES, PaymentsService

SOURCE = "payments"
Secrets = Annotated[list[str], NoDecode]


class PaymentsSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    payments_database_url: str = "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_payments"
    payments_host: str = "127.0.0.1"
    payments_port: int = 8003
    # The finance bureau's payment system (docs/finance-contract.md).
    payments_finance_url: str = "http://127.0.0.1:8090"
    # What qsfund signs its calls with, and what the bureau signs its callbacks with:
    # comma lists, newest first. Unset, the development pair the stand-in also uses.
    payments_finance_secrets: Secrets = [DEVELOPMENT_TO_BUREAU_SECRET]
    payments_bureau_secrets: Secrets = [DEVELOPMENT_FROM_BUREAU_SECRET]
    payments_finance_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    payments_finance_read_timeout_seconds: float = Field(default=30.0, gt=0)
    payments_calls_poll_seconds: float = Field(default=0.5, gt=0)

    @field_validator("payments_finance_secrets", "payments_bureau_secrets", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _real_secrets_in_production(self) -> PaymentsSettings:
        development = {DEVELOPMENT_TO_BUREAU_SECRET, DEVELOPMENT_FROM_BUREAU_SECRET}
        used = {*self.payments_finance_secrets, *self.payments_bureau_secrets}
        if self.production and used & development:
            raise ValueError("the finance bureau's development secrets are refused in production")
        if not self.payments_finance_secrets or not self.payments_bureau_secrets:
            raise ValueError("both directions of the finance contract need a secret")
        return self


def build_app(settings: PaymentsSettings) -> FastAPI:
    engine, sessions = database(settings.payments_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    publisher = BrokerPublisher(broker)
    topics = settings.topics
    clock = settings.clock
    service = PaymentsService(
        sessions=sessions,
        store=EventStore(SOURCE, backbone.event, clock),
        clock=clock,
        actor=Actor(id=SOURCE, role="service"),
    )
    subscribe(
        broker,
        topics.applications,
        topics.scoring,
        service=SOURCE,
        group_id=topics.group(SOURCE),
        batch_size=settings.consumer_batch_size,
        consumer=IdempotentConsumer(
            name=SOURCE,
            sessions=sessions,
            inbox=backbone.inbox,
            apply=service.on_events,
            dead_letters=DeadLetters(publisher, topics.dead_letters, SOURCE),
            partition_concurrency=settings.consumer_partition_concurrency,
        ),
        consumes=CONSUMES,
        description="Who applied, what was awarded, and which awards are final: to pay them.",
    )
    broker.publisher(
        topics.payments,
        schema=PaymentsTopicEvent,
        description="Payments instructed, paid and failed; awards revoked and recovered.",
    )
    relay = OutboxRelay(
        engine=engine, table=backbone.event, publisher=publisher, topic=topics.payments
    )
    calls = BureauCalls(
        service=service,
        sessions=sessions,
        bureau=FinanceBureau(
            settings.payments_finance_url,
            settings.payments_finance_secrets,
            clock,
            connect_timeout=settings.payments_finance_connect_timeout_seconds,
            read_timeout=settings.payments_finance_read_timeout_seconds,
        ),
        clock=clock,
        poll_seconds=settings.payments_calls_poll_seconds,
    )
    limiter = RateLimiter.from_settings(settings, rate_limit, sessions)
    revocations = RevocationFeed(settings.kafka_bootstrap_servers, settings.topics.revocations)
    app = FastAPI(
        title="qsfund payments",
        version="1",
        description="Pays final awards through the district finance bureau, and recovers "
        "revoked ones (docs/finance-contract.md).",
        lifespan=lifespan(broker, engine, [limiter.run, revocations.run, relay.run, calls.run]),
        dependencies=[AUTHORIZED, RATE_LIMITED],
        generate_unique_id_function=operation_id,
    )
    app.state.broker = broker
    app.state.service = service
    app.state.calls = calls
    app.state.bureau_secrets = settings.payments_bureau_secrets
    app.state.limits = Limits()
    # An account or a callback is a few hundred bytes: anything near this is not one.
    app.add_middleware(BodyLimit, max_bytes=16 * 1024)
    install_auth(app, ACCESS, build_verifier(settings), revocations)
    install_error_handlers(app)
    install_rate_limits(app, limiter)
    app.include_router(health_router())
    install_read_log(app, ReadLog(read_log, sessions, clock))
    app.include_router(http.router)
    app.include_router(callbacks.router)
    app.include_router(operations.router)
    install_links(app, LINKS)
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(award, instruction),
    project=project_many,
    not_from_the_log={},
)


def projection_topics(topics: Topics) -> list[str]:
    """What the projection is made of: the topics a rebuild reads (who applied and what
    was awarded and made final; its own events)."""
    return [topics.applications, topics.scoring, topics.payments]


def main() -> None:
    """`qsfund-payments` serves; `qsfund-payments rebuild` rebuilds the projection."""
    settings = PaymentsSettings()
    if sys.argv[1:] == ["rebuild"]:
        raise SystemExit(
            run_rebuild(
                SOURCE,
                settings.payments_database_url,
                PROJECTION,
                settings,
                projection_topics(settings.topics),
            )
        )
    serve(build_app(settings), settings.payments_host, settings.payments_port)
