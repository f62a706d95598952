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
from shared.http.openapi import install_body_schemas, operation_id
from shared.http.rate_limits import RATE_LIMITED, RateLimiter, install_rate_limits
from shared.kafka import build_broker
from shared.publishing import BrokerPublisher
from shared.rebuild import Projection, run_rebuild
from shared.relay import OutboxRelay
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings
from shared.topics import Topics

from .adapters.projection import project_many
from .adapters.tables import backbone, lists, metadata, rate_limit, register
from .entrypoints import http
from .entrypoints import lists as lists_http
from .entrypoints.access import ACCESS
from .entrypoints.errors import install_error_handlers
from .entrypoints.list_schemas import OfficialListRequest
from .entrypoints.schemas import LoadRequest
from .list_service import OfficialListService
from .service import RegisterService

SOURCE = "register"
LOADS = "/v1/register/loads"
LISTS = "/v1/official-lists"


class RegisterSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    register_database_url: str = "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_register"
    register_host: str = "127.0.0.1"
    register_port: int = 8004
    # A load's body: 100,000 rows are about 12 MB of CSV or 25 MB of JSON.
    register_max_load_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    # An official list's body: 10,000 standards of three drafting units each are about
    # 6 MB of JSON.
    register_max_list_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)


def build_app(settings: RegisterSettings) -> FastAPI:
    engine, sessions = database(settings.register_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    publisher = BrokerPublisher(broker)
    topics = settings.topics
    clock = settings.clock
    store = EventStore(SOURCE, backbone.event, clock)
    service = RegisterService(sessions=sessions, store=store, clock=clock)
    broker.publisher(
        topics.register,
        schema=RegisterTopicEvent,
        description="The district's enterprise register: each load's acceptance, then its "
        "accepted rows in batches of at most 1,000. The official lists matched to it: each "
        "list's receipt, its entries in batches of at most 500, its units' matches in "
        "batches of at most 2,000, then each unit a person resolved.",
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
        "the industry classification (GB/T 4754-2017) filings are coded in, and the "
        "official (published) lists of standards, awards and pilot projects matched to it.",
        lifespan=lifespan(broker, engine, [limiter.run, revocations.run, relay.run]),
        dependencies=[AUTHORIZED, RATE_LIMITED],
        generate_unique_id_function=operation_id,
    )
    app.state.broker = broker
    app.state.service = service
    app.state.lists = OfficialListService(sessions=sessions, store=store, clock=clock)
    # Only a load and a list take a body of any size; anything else near 16 KiB is not a
    # request.
    limits = {LOADS: settings.register_max_load_bytes, LISTS: settings.register_max_list_bytes}
    app.add_middleware(BodyLimit, max_bytes=16 * 1024, paths=limits)
    app.add_middleware(Correlation)  # added last: outermost
    install_auth(app, ACCESS, build_verifier(settings), revocations)
    install_error_handlers(app)
    install_rate_limits(app, limiter)
    app.include_router(health_router())
    app.include_router(http.router)
    app.include_router(lists_http.router)
    install_body_schemas(app, [LoadRequest, OfficialListRequest])
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(register.enterprise, register.load, lists.official_list, lists.entry, lists.unit),
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
