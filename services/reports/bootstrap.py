"""The only place the reports service builds its engine, broker and app."""

from __future__ import annotations

import sys

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from shared.auth.http import AUTHORIZED, install_auth
from shared.auth.revocation import RevocationFeed
from shared.auth.settings import AuthSettings
from shared.auth.verify import build_verifier
from shared.consumer import IdempotentConsumer
from shared.deadletter import DeadLetters
from shared.http.body import BodyLimit
from shared.http.limits import Limits
from shared.http.openapi import install_links, operation_id
from shared.http.problems import install_problems
from shared.http.rate_limits import RATE_LIMITED, RateLimiter, install_rate_limits
from shared.kafka import build_broker, subscribe
from shared.publishing import BrokerPublisher
from shared.rebuild import Projection, run_rebuild
from shared.rules.report.changes import CHANGES
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings
from shared.topics import Topics

from .adapters.projection import project_many
from .adapters.tables import backbone, metadata, rate_limit, report_application, report_round
from .entrypoints import http
from .entrypoints.access import ACCESS
from .entrypoints.links import LINKS
from .service import ReportsService

SOURCE = "reports"


class ReportsSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    reports_database_url: str = "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_reports"
    reports_host: str = "127.0.0.1"
    reports_port: int = 8005


def build_app(settings: ReportsSettings) -> FastAPI:
    engine, sessions = database(settings.reports_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    topics = settings.topics

    subscribe(
        broker,
        topics.applications,
        topics.scoring,
        topics.payments,
        service=SOURCE,
        group_id=topics.group(SOURCE),
        batch_size=settings.consumer_batch_size,
        consumer=IdempotentConsumer(
            name=SOURCE,
            sessions=sessions,
            inbox=backbone.inbox,
            apply=project_many,
            dead_letters=DeadLetters(BrokerPublisher(broker), topics.dead_letters, SOURCE),
            partition_concurrency=settings.consumer_partition_concurrency,
        ),
        consumes=tuple(CHANGES),
        description="Every application's way from submission to payment, for the office's report.",
    )
    limiter = RateLimiter.from_settings(settings, rate_limit, sessions)
    revocations = RevocationFeed(settings.kafka_bootstrap_servers, settings.topics.revocations)
    app = FastAPI(
        title="qsfund reports",
        version="1",
        description="The program office's report of a round or a year: budget use, awards by "
        "category, level and industry, why applications failed, how long each step took; as "
        "JSON, CSV, XLSX and a printable page.",
        lifespan=lifespan(
            broker,
            engine,
            [
                limiter.run,
                revocations.run,
            ],
        ),
        dependencies=[AUTHORIZED, RATE_LIMITED],
        generate_unique_id_function=operation_id,
    )
    app.state.broker = broker
    app.state.service = ReportsService(sessions)
    app.state.limits = Limits()
    # The API takes no bodies: anything past the headers is not a report request.
    app.add_middleware(BodyLimit, max_bytes=1024)
    install_auth(app, ACCESS, build_verifier(settings), revocations)
    install_problems(app)
    install_rate_limits(app, limiter)
    app.include_router(health_router())
    app.include_router(http.router)
    install_links(app, LINKS)
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(report_application, report_round),
    project=project_many,
    not_from_the_log={},
)


def projection_topics(topics: Topics) -> list[str]:
    """What the projection is made of: the topics a rebuild reads (all three)."""
    return [topics.applications, topics.scoring, topics.payments]


def main() -> None:
    """`qsfund-reports` serves; `qsfund-reports rebuild` rebuilds the projection."""
    settings = ReportsSettings()
    if sys.argv[1:] == ["rebuild"]:
        raise SystemExit(
            run_rebuild(
                SOURCE,
                settings.reports_database_url,
                PROJECTION,
                settings,
                projection_topics(settings.topics),
            )
        )
    serve(build_app(settings), settings.reports_host, settings.reports_port)
