"""The only place the applications service builds its engine, broker and app."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from uuid import uuid4

from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.http import AUTHORIZED, install_auth
from shared.auth.revocation import RevocationFeed
from shared.auth.revocation_http import router as revocations_router
from shared.auth.settings import AuthSettings
from shared.auth.verify import build_verifier
from shared.consumer import IdempotentConsumer
from shared.contracts import Contract
from shared.contracts.documentation import ApplicationsTopicEvent
from shared.deadletter import DeadLetters
from shared.envelope import Actor, Envelope
from shared.eventstore import EventStore
from shared.http.body import BodyLimit
from shared.http.correlation import Correlation
from shared.http.idempotency import Keys, install_idempotency, purge_expired_keys_every
from shared.http.limits import Limits
from shared.http.openapi import install_links, operation_id
from shared.http.rate_limits import RATE_LIMITED, RateLimiter, install_rate_limits
from shared.kafka import build_broker, subscribe
from shared.publishing import BrokerPublisher
from shared.read_log import ReadLog, install_read_log
from shared.rebuild import Projection, run_rebuild
from shared.relay import OutboxRelay
from shared.runtime import database, health_router, lifespan, read_sessions, serve
from shared.settings import KafkaSettings
from shared.topics import Topics

from .adapters.projections import project_many
from .adapters.tables import (
    application,
    application_history,
    award_revocation,
    backbone,
    funding_round,
    idempotency_key,
    metadata,
    objection,
    official_list_entry,
    proposal,
    published_list,
    rate_limit,
    read_log,
    register,
)
from .entrypoints.access import ACCESS
from .entrypoints.errors import install_error_handlers
from .entrypoints.http import router
from .entrypoints.links import LINKS
from .entrypoints.proposals import router as proposals_router
from .entrypoints.publicity import router as publicity_router
from .handlers import ApplicationsService
from .proposals import LIST_EVENTS, ProposalsService
from .publicity import SCORING_EVENTS, IntakeLimits, PublicityService

SOURCE = "applications"


class ApplicationsSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore")

    applications_database_url: str = (
        "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_applications"
    )
    applications_host: str = "127.0.0.1"
    applications_port: int = 8000
    # Limits on request bodies, against hostile input. The models' maxima are the event
    # contracts' ceiling (evidence 50, names 500, notes 2000 characters): these may only
    # tighten them.
    applications_max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=1024 * 1024)
    applications_max_string_length: int = Field(default=2000, ge=1, le=2000)
    applications_max_list_length: int = Field(default=50, ge=1, le=50)
    applications_max_evidence: int = Field(default=20, ge=1, le=50)
    applications_max_json_depth: int = Field(default=8, ge=4, le=32)
    # Objections the public endpoint takes in an hour, per client address and per
    # objector (shared by every instance: counted in the database).
    applications_objections_per_address: int = Field(default=20, ge=1)
    applications_objections_per_objector: int = Field(default=10, ge=1)
    # Whether intake requires every filing's enterprise to be in the district's register
    # (and off the serious-dishonesty list) even before any load of the register was
    # received. False: the rules apply from the first load on, and a deployment that
    # has never loaded a register takes filings as before it existed.
    applications_register_required: bool = False

    @property
    def limits(self) -> Limits:
        return Limits(
            max_string_length=self.applications_max_string_length,
            max_list_length=self.applications_max_list_length,
            max_depth=self.applications_max_json_depth,
            max_items={"evidence": self.applications_max_evidence},
        )


async def on_consumed(
    publicity: PublicityService,
    proposals: ProposalsService,
    session: AsyncSession,
    events: Sequence[tuple[Envelope, Contract]],
) -> None:
    """A consumed batch: folded into the projection, then reacted to (a round's list
    published, the units an official list matched proposed) in the same transaction."""
    await publicity.on_scoring_events(session, events)
    await proposals.on_list_events(session, events)


def build_app(settings: ApplicationsSettings) -> FastAPI:
    engine, sessions = database(settings.applications_database_url)
    clock = settings.clock
    service = ApplicationsService(
        sessions=sessions,
        store=EventStore(SOURCE, backbone.event, clock),
        clock=clock,
        new_id=lambda: str(uuid4()),
        engine=engine,
        register_required=settings.applications_register_required,
    )
    publicity = PublicityService(
        service,
        actor=Actor(id=SOURCE, role="service"),
        limits=IntakeLimits(
            per_address=settings.applications_objections_per_address,
            per_objector=settings.applications_objections_per_objector,
        ),
    )
    proposals = ProposalsService(service, actor=Actor(id=SOURCE, role="service"))
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    publisher = BrokerPublisher(broker)
    topics = settings.topics
    subscribe(
        broker,
        topics.scoring,
        topics.payments,
        topics.register,
        service=SOURCE,
        group_id=topics.group(SOURCE),
        batch_size=settings.consumer_batch_size,
        consumer=IdempotentConsumer(
            name=SOURCE,
            sessions=sessions,
            inbox=backbone.inbox,
            apply=partial(on_consumed, publicity, proposals),
            dead_letters=DeadLetters(publisher, topics.dead_letters, SOURCE),
            partition_concurrency=settings.consumer_partition_concurrency,
        ),
        consumes=(*SCORING_EVENTS, *LIST_EVENTS),
        description="Scores and allocation outcomes, folded into each application's status; "
        "each allocation of a round publishes its list. Of payments, the awards revoked: "
        "intake refuses an enterprise they bar from the program. The district's register: "
        "intake refuses an enterprise it does not hold, or holds as on the dishonesty list; "
        "the official lists it matched to enterprises: each matched unit is proposed, in each "
        "open round whose period covers it, unless the achievement is already covered.",
    )
    # Published by the outbox relay; declared here so the AsyncAPI document shows it.
    broker.publisher(
        topics.applications,
        schema=ApplicationsTopicEvent,
        description="Rounds opened and closed; applications submitted, amended, reviewed; "
        "applications proposed from official lists (or withheld), confirmed, declined, lapsed.",
    )
    relay = OutboxRelay(
        engine=engine, table=backbone.event, publisher=publisher, topic=topics.applications
    )
    limiter = RateLimiter.from_settings(settings, rate_limit, sessions)
    revocations = RevocationFeed(settings.kafka_bootstrap_servers, settings.topics.revocations)
    app = FastAPI(
        title="qsfund applications",
        version="1",
        description="Funding rounds, intake and review of incentive-funding applications.",
        lifespan=lifespan(
            broker,
            engine,
            [
                limiter.run,
                revocations.run,
                relay.run,
                partial(purge_expired_keys_every, engine, idempotency_key, clock),
            ],
        ),
        dependencies=[AUTHORIZED, RATE_LIMITED],
        generate_unique_id_function=operation_id,
    )
    app.state.service = service
    app.state.reads = read_sessions(engine)
    # A read that is one statement needs no session: a connection without a transaction.
    app.state.read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.state.publicity = publicity
    app.state.proposals = proposals
    app.state.broker = broker
    app.state.limits = settings.limits
    install_auth(app, ACCESS, build_verifier(settings), revocations)
    install_error_handlers(app)
    install_idempotency(app, Keys(sessions, idempotency_key))
    app.add_middleware(BodyLimit, max_bytes=settings.applications_max_body_bytes)
    app.add_middleware(Correlation)  # added last: outermost
    app.include_router(router)
    app.include_router(publicity_router)
    install_rate_limits(app, limiter)
    app.include_router(revocations_router)
    app.state.revocations_topic = settings.topics.revocations
    app.include_router(proposals_router)
    app.include_router(health_router())
    install_read_log(app, ReadLog(read_log, sessions, clock))
    install_links(app, LINKS)
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(
        funding_round,
        application,
        application_history,
        published_list,
        objection,
        award_revocation,
        register.enterprise,
        register.load,
        official_list_entry,
        proposal,
    ),
    project=project_many,
    not_from_the_log={},
)


def projection_topics(topics: Topics) -> list[str]:
    """What the projection is made of: the topics a rebuild reads (the payments topic
    for the revocations that bar enterprises, the register for who may file and the
    official lists' entries proposals are made from)."""
    return [topics.applications, topics.scoring, topics.payments, topics.register]


def main() -> None:
    """`qsfund-applications` serves; `qsfund-applications rebuild` rebuilds the projection."""
    settings = ApplicationsSettings()
    if sys.argv[1:] == ["rebuild"]:
        raise SystemExit(
            run_rebuild(
                SOURCE,
                settings.applications_database_url,
                PROJECTION,
                settings,
                projection_topics(settings.topics),
            )
        )
    serve(build_app(settings), settings.applications_host, settings.applications_port)
