"""The only place the notifications service builds its engine, broker and app."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from shared.consumer import IdempotentConsumer
from shared.deadletter import DeadLetters
from shared.kafka import build_broker, subscribe
from shared.publishing import BrokerPublisher
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings

from .adapters.tables import backbone
from .entrypoints.http import router
from .handlers import on_event

SOURCE = "notifications"


class NotificationsSettings(KafkaSettings):
    model_config = SettingsConfigDict(extra="ignore")

    notifications_database_url: str = (
        "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_notifications"
    )
    notifications_host: str = "127.0.0.1"
    notifications_port: int = 8002


def build_app(settings: NotificationsSettings) -> FastAPI:
    engine, sessions = database(settings.notifications_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    topics = settings.topics
    consumer = IdempotentConsumer(
        name=SOURCE,
        sessions=sessions,
        inbox=backbone.inbox,
        apply=on_event,
        dead_letters=DeadLetters(BrokerPublisher(broker), topics.dead_letters, SOURCE),
    )
    for topic in (topics.applications, topics.scoring):
        subscribe(
            broker,
            topic,
            group_id=SOURCE,
            consumer=consumer,
            description="Lifecycle events the applicant and their platform are told of.",
        )
    app = FastAPI(
        title="qsfund notifications",
        version="1",
        description="Tells applicants and municipal platforms of each step.",
        lifespan=lifespan(broker, engine, []),
    )
    app.state.sessions = sessions
    app.state.broker = broker
    app.include_router(router)
    app.include_router(health_router())
    return app


def main() -> None:
    settings = NotificationsSettings()
    serve(build_app(settings), settings.notifications_host, settings.notifications_port)
