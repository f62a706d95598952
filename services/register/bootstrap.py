"""The only place the register service builds its engine, broker and app."""

from __future__ import annotations

import sys

from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.auth.http import AUTHORIZED, install_auth
from shared.auth.revocation import RevocationFeed
from shared.auth.settings import AuthSettings
from shared.auth.verify import build_verifier
from shared.contracts.documentation import RegisterTopicEvent
from shared.eventstore import EventStore
from shared.http.body import BodyLimit
from shared.http.correlation import Correlation
from shared.http.openapi import operation_id
from shared.http.rate_limits import RATE_LIMITED, RateLimiter, install_rate_limits
from shared.kafka import build_broker
from shared.publishing import BrokerPublisher
from shared.rebuild import Projection, run_rebuild
from shared.relay import OutboxRelay
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings
from shared.topics import Topics

from .adapters.projection import project_many
from .adapters.tables import backbone, metadata, rate_limit, register
from .entrypoints import http
from .entrypoints.access import ACCESS
from .entrypoints.errors import install_error_handlers
from .service import RegisterService

SOURCE = "register"
LOADS = "/v1/register/loads"


class RegisterSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    register_database_url: str = "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_register"
    register_host: str = "127.0.0.1"
    register_port: int = 8004
    # A load's body: 100,000 rows are about 12 MB of CSV or 25 MB of JSON.
    register_max_load_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)


def build_app(settings: RegisterSettings) -> FastAPI:
    engine, sessions = database(settings.register_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    publisher = BrokerPublisher(broker)
    topics = settings.topics
    clock = settings.clock
    service = RegisterService(
        sessions=sessions, store=EventStore(SOURCE, backbone.event, clock), clock=clock
    )
    broker.publisher(
        topics.register,
        schema=RegisterTopicEvent,
        description="The district's enterprise register: each load's acceptance, then its "
        "accepted rows in batches of at most 1,000.",
    )
    relay = OutboxRelay(
        engine=engine, table=backbone.event, publisher=publisher, topic=topics.register
    )
    limiter = RateLimiter.from_settings(settings, rate_limit, sessions)
    revocations = RevocationFeed(settings.kafka_bootstrap_servers, settings.topics.revocations)
    app = FastAPI(
        title="qsfund register",
        version="1",
        description="The district's enterprise register as the municipal platform loads it, "
        "and the industry classification (GB/T 4754-2017) filings are coded in.",
        lifespan=lifespan(broker, engine, [limiter.run, revocations.run, relay.run]),
        dependencies=[AUTHORIZED, RATE_LIMITED],
        generate_unique_id_function=operation_id,
    )
    app.state.broker = broker
    app.state.service = service
    # Only a load takes a body of any size; anything else near 16 KiB is not a request.
    app.add_middleware(
        BodyLimit, max_bytes=16 * 1024, paths={LOADS: settings.register_max_load_bytes}
    )
    app.add_middleware(Correlation)  # added last: outermost
    install_auth(app, ACCESS, build_verifier(settings), revocations)
    install_error_handlers(app)
    install_rate_limits(app, limiter)
    app.include_router(health_router())
    app.include_router(http.router)
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(register.enterprise, register.load),
    project=project_many,
    not_from_the_log={},
)


def projection_topics(topics: Topics) -> list[str]:
    """What the projection is made of: the topics a rebuild reads (its own)."""
    return [topics.register]


def main() -> None:
    """`qsfund-register` serves; `qsfund-register rebuild` rebuilds the projection."""
    settings = RegisterSettings()
    if sys.argv[1:] == ["rebuild"]:
        raise SystemExit(
            run_rebuild(
                SOURCE,
                settings.register_database_url,
                PROJECTION,
                settings,
                projection_topics(settings.topics),
            )
        )
    serve(build_app(settings), settings.register_host, settings.register_port)
