"""The only place the scoring service builds its engine, broker and app."""

from __future__ import annotations

import sys

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from shared.auth.http import AUTHORIZED, install_auth
from shared.auth.matrix import Access
from shared.auth.revocation import RevocationFeed
from shared.auth.settings import AuthSettings
from shared.auth.verify import build_verifier
from shared.consumer import IdempotentConsumer
from shared.contracts.documentation import ScoringTopicEvent
from shared.deadletter import DeadLetters
from shared.envelope import Actor
from shared.eventstore import EventStore
from shared.http.rate_limits import RATE_LIMITED, RateLimiter, install_rate_limits
from shared.kafka import build_broker, subscribe
from shared.publishing import BrokerPublisher
from shared.rebuild import Projection, run_rebuild
from shared.relay import OutboxRelay
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings
from shared.topics import Topics

from .adapters.projection import project_many
from .adapters.tables import (
    allocation_outcome,
    backbone,
    claim,
    metadata,
    rate_limit,
    register,
    scoring_round,
)
from .handlers import CONSUMES, ScoringHandlers

SOURCE = "scoring"
# Scoring answers only probes: it takes its work from the topics.
ACCESS = Access(rows={})


class ScoringSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore")

    scoring_database_url: str = "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_scoring"
    scoring_host: str = "127.0.0.1"
    scoring_port: int = 8001
    scoring_instance: str = "scoring-1"


def build_app(settings: ScoringSettings) -> FastAPI:
    engine, sessions = database(settings.scoring_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=settings.scoring_instance)
    publisher = BrokerPublisher(broker)
    topics = settings.topics
    handlers = ScoringHandlers(
        store=EventStore(SOURCE, backbone.event, settings.clock),
        actor=Actor(id=SOURCE, role="service"),
    )
    subscribe(
        broker,
        topics.applications,
        topics.register,
        service=SOURCE,
        group_id=topics.group(SOURCE),
        batch_size=settings.consumer_batch_size,
        consumer=IdempotentConsumer(
            name=SOURCE,
            sessions=sessions,
            inbox=backbone.inbox,
            apply=handlers.on_events,
            dead_letters=DeadLetters(publisher, topics.dead_letters, SOURCE),
            partition_concurrency=settings.consumer_partition_concurrency,
        ),
        consumes=CONSUMES,
        description="Reviews to score, and closed rounds to allocate. The district's "
        "register: an allocation rewards no enterprise it holds as deregistered or on the "
        "dishonesty list at the decision, nor (once it is in use) one it does not hold.",
    )
    # Published by the outbox relay; declared here so the AsyncAPI document shows it.
    broker.publisher(
        topics.scoring,
        schema=ScoringTopicEvent,
        description="Applications scored, awarded and not awarded.",
    )
    relay = OutboxRelay(
        engine=engine, table=backbone.event, publisher=publisher, topic=topics.scoring
    )
    limiter = RateLimiter.from_settings(settings, rate_limit, sessions)
    revocations = RevocationFeed(settings.kafka_bootstrap_servers, settings.topics.revocations)
    app = FastAPI(
        title="qsfund scoring",
        version="1",
        description="Scores eligible applications and allocates closed rounds.",
        lifespan=lifespan(broker, engine, [limiter.run, revocations.run, relay.run]),
        dependencies=[AUTHORIZED, RATE_LIMITED],
    )
    app.state.broker = broker
    install_auth(app, ACCESS, build_verifier(settings), revocations)
    install_rate_limits(app, limiter)
    app.include_router(health_router())
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(claim, scoring_round, allocation_outcome, register.enterprise, register.load),
    project=project_many,
    not_from_the_log={},
)


def projection_topics(topics: Topics) -> list[str]:
    """What the projection is made of: the topics a rebuild reads (the register for who
    may be rewarded)."""
    return [topics.applications, topics.scoring, topics.register]


def main() -> None:
    """`qsfund-scoring` serves; `qsfund-scoring rebuild` rebuilds the projection."""
    settings = ScoringSettings()
    if sys.argv[1:] == ["rebuild"]:
        raise SystemExit(
            run_rebuild(
                SOURCE,
                settings.scoring_database_url,
                PROJECTION,
                settings,
                projection_topics(settings.topics),
            )
        )
    serve(build_app(settings), settings.scoring_host, settings.scoring_port)
