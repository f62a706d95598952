"""The only place the applications service builds its engine, broker and app."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from uuid import uuid4

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from shared.auth.http import AUTHORIZED, install_auth
from shared.auth.settings import AuthSettings
from shared.auth.verify import build_verifier
from shared.consumer import IdempotentConsumer
from shared.contracts.documentation import ApplicationsTopicEvent
from shared.deadletter import DeadLetters
from shared.eventstore import EventStore
from shared.kafka import build_broker, subscribe
from shared.publishing import BrokerPublisher
from shared.rebuild import Projection, run_rebuild
from shared.relay import OutboxRelay
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings

from .adapters.projections import project
from .adapters.tables import application, application_history, backbone, funding_round, metadata
from .entrypoints.errors import install_error_handlers
from .entrypoints.http import router
from .entrypoints.idempotency import install_idempotency
from .entrypoints.limits import BodyLimit
from .handlers import ApplicationsService

SOURCE = "applications"


class ApplicationsSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore")

    applications_database_url: str = (
        "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_applications"
    )
    applications_host: str = "127.0.0.1"
    applications_port: int = 8000


def build_app(settings: ApplicationsSettings) -> FastAPI:
    engine, sessions = database(settings.applications_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    publisher = BrokerPublisher(broker)
    topics = settings.topics
    subscribe(
        broker,
        topics.scoring,
        group_id=SOURCE,
        consumer=IdempotentConsumer(
            name=SOURCE,
            sessions=sessions,
            inbox=backbone.inbox,
            apply=project,
            dead_letters=DeadLetters(publisher, topics.dead_letters, SOURCE),
        ),
        description="Scores and allocation outcomes, folded into each application's status.",
    )
    # Published by the outbox relay; declared here so the AsyncAPI document shows it.
    broker.publisher(
        topics.applications,
        schema=ApplicationsTopicEvent,
        description="Rounds opened and closed; applications submitted, amended, reviewed.",
    )
    relay = OutboxRelay(
        engine=engine, table=backbone.event, publisher=publisher, topic=topics.applications
    )
    app = FastAPI(
        title="qsfund applications",
        version="1",
        description="Funding rounds, intake and review of incentive-funding applications.",
        lifespan=lifespan(broker, engine, [relay.run]),
        dependencies=[AUTHORIZED],
    )
    app.state.service = ApplicationsService(
        sessions=sessions,
        store=EventStore(SOURCE, backbone.event),
        clock=lambda: datetime.now(UTC),
        new_id=lambda: str(uuid4()),
    )
    app.state.broker = broker
    install_auth(app, SOURCE, build_verifier(settings))
    install_error_handlers(app)
    install_idempotency(app)
    app.add_middleware(BodyLimit)
    app.include_router(router)
    app.include_router(health_router())
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(funding_round, application, application_history),
    project=project,
    not_from_the_log={},
)


def main() -> None:
    """`qsfund-applications` serves; `qsfund-applications rebuild` rebuilds the projection."""
    settings = ApplicationsSettings()
    if sys.argv[1:] == ["rebuild"]:
        raise SystemExit(
            run_rebuild(SOURCE, settings.applications_database_url, PROJECTION, settings)
        )
    serve(build_app(settings), settings.applications_host, settings.applications_port)
