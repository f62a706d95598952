"""The only place the notifications service builds its engine, broker, clients and app."""

from __future__ import annotations

import asyncio
import secrets
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from uuid import uuid4

from fastapi import FastAPI
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.auth.http import AUTHORIZED, install_auth
from shared.auth.revocation import RevocationFeed
from shared.auth.settings import AuthSettings
from shared.auth.verify import build_verifier
from shared.consumer import IdempotentConsumer
from shared.deadletter import DeadLetters
from shared.http.body import BodyLimit
from shared.http.correlation import Correlation
from shared.http.idempotency import install_idempotency, purge_expired_keys_every
from shared.http.limits import Limits
from shared.http.openapi import install_links, operation_id
from shared.http.problems import install_problems
from shared.http.rate_limits import RATE_LIMITED, RateLimiter, install_rate_limits
from shared.kafka import build_broker, subscribe
from shared.publishing import BrokerPublisher
from shared.read_log import ReadLog, install_read_log
from shared.rebuild import Projection, run_rebuild
from shared.runtime import database, health_router, lifespan, serve
from shared.settings import KafkaSettings
from shared.topics import Topics

from .adapters.answers import NotificationsKeys
from .adapters.resealing import Resealed, reseal
from .adapters.sealing import SecretBox, development_box, parse_keys
from .adapters.smtp import SmtpSender
from .adapters.store import sql_transaction
from .adapters.tables import (
    backbone,
    idempotency_key,
    metadata,
    notification,
    objector,
    payment_tranche,
    rate_limit,
    read_log,
    recipient,
)
from .adapters.webhook import WebhookSender, webhook_client
from .delivery_loop import DeliveryLoop
from .domain.delivery import RecipientWait, RetryPolicy
from .domain.webhook import WebhookRules
from .doorbell import Doorbell, ringing
from .entrypoints import webhooks
from .entrypoints.access import ACCESS
from .entrypoints.http import router
from .entrypoints.links import LINKS
from .handlers import CONSUMES, on_events
from .service import NotificationsService

SOURCE = "notifications"


def new_secret() -> str:
    """256 random bits: a secret we make cannot be weak or reused elsewhere."""
    return "whsec_" + secrets.token_urlsafe(32)


class NotificationsSettings(KafkaSettings, AuthSettings):
    model_config = SettingsConfigDict(extra="ignore")

    notifications_database_url: str = (
        "postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_notifications"
    )
    notifications_host: str = "127.0.0.1"
    notifications_port: int = 8002
    notifications_smtp_host: str = "127.0.0.1"
    notifications_smtp_port: int = 8025
    notifications_mail_from: str = "qsfund@district.example.gov.cn"
    # Platforms register their webhooks (POST /v1/webhooks). Development and tests only:
    # lets them register http:// and loopback or private addresses; refused in production.
    notifications_webhook_insecure_urls: bool = False
    notifications_webhooks_per_platform: int = Field(default=10, ge=1, le=100)
    notifications_max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)
    notifications_retry_attempts: int = Field(default=6, ge=1)
    notifications_retry_base_seconds: float = Field(default=1.0, gt=0)
    notifications_retry_factor: float = Field(default=2.0, ge=1)
    notifications_retry_cap_seconds: float = Field(default=300.0, gt=0)
    notifications_recipient_wait_seconds: float = Field(default=60.0, gt=0)
    notifications_recipient_wait_limit: int = Field(default=1440, ge=0)
    # New notifications wake the delivery loop as the consumer commits them; this poll
    # finds what falls due later (a retry, a look for a recipient, an operator's retry).
    notifications_poll_seconds: float = Field(default=0.5, gt=0)
    notifications_send_timeout_seconds: float = Field(default=10.0, gt=0)
    # Each worker holds a pooled connection while it sends a batch; the consumer and the
    # API share the same pool of 20.
    notifications_delivery_workers: int = Field(default=4, ge=1, le=8)
    # Notifications a worker claims, sends and settles together (one transaction).
    notifications_delivery_batch: int = Field(default=32, ge=1, le=500)
    # How long a woken worker waits for more commits to join its batch: an email that
    # much later, for fewer, larger batches.
    notifications_delivery_linger_seconds: float = Field(default=0.2, ge=0, le=5)
    # The keys that seal webhook secrets at rest (adapters/sealing.py), newest first, as
    # id:base64,...; or a file holding that list. Neither: the development key.
    notifications_secrets_keys: str | None = None
    notifications_secrets_keys_file: Path | None = None
    # All webhook traffic through this proxy (http://host:port); it then resolves the
    # webhooks' hosts, and refusing non-public addresses is its to do.
    notifications_egress_proxy: str | None = None

    @model_validator(mode="after")
    def _secure_webhooks_in_production(self) -> NotificationsSettings:
        if self.production and self.notifications_webhook_insecure_urls:
            raise ValueError("NOTIFICATIONS_WEBHOOK_INSECURE_URLS is for development only")
        box = self.secret_box  # a malformed key list refuses to start, in development too
        if self.production and box.has_development_key:
            raise ValueError(
                "NOTIFICATIONS_SECRETS_KEYS: the development key seals nothing in production; "
                "give keys of your own (or NOTIFICATIONS_SECRETS_KEYS_FILE)"
            )
        return self

    @property
    def secret_box(self) -> SecretBox:
        """What seals webhook secrets; a malformed key list raises, naming its setting."""
        if self.notifications_secrets_keys and self.notifications_secrets_keys_file:
            raise ValueError(
                "NOTIFICATIONS_SECRETS_KEYS and NOTIFICATIONS_SECRETS_KEYS_FILE: give one, not both"
            )
        if self.notifications_secrets_keys_file is not None:
            try:
                text = self.notifications_secrets_keys_file.read_text()
            except OSError as error:
                raise ValueError(f"NOTIFICATIONS_SECRETS_KEYS_FILE: {error}") from None
            keys = parse_keys(text, "NOTIFICATIONS_SECRETS_KEYS_FILE")
        elif self.notifications_secrets_keys:
            keys = parse_keys(self.notifications_secrets_keys, "NOTIFICATIONS_SECRETS_KEYS")
        else:
            return development_box()
        return SecretBox(tuple(keys))

    @property
    def webhooks(self) -> WebhookRules:
        return WebhookRules(
            insecure_urls=self.notifications_webhook_insecure_urls,
            most_per_platform=self.notifications_webhooks_per_platform,
        )


def build_app(settings: NotificationsSettings) -> FastAPI:
    engine, sessions = database(settings.notifications_database_url)
    broker = build_broker(settings.kafka_bootstrap_servers, client_id=SOURCE)
    topics = settings.topics
    bell = Doorbell()  # rung by the consumer's commits, answered by the delivery loop
    consumer = IdempotentConsumer(
        name=SOURCE,
        sessions=sessions,
        inbox=backbone.inbox,
        apply=ringing(on_events, bell),
        dead_letters=DeadLetters(BrokerPublisher(broker), topics.dead_letters, SOURCE),
        partition_concurrency=settings.consumer_partition_concurrency,
    )
    subscribe(
        broker,
        topics.applications,
        topics.scoring,
        topics.payments,
        service=SOURCE,
        group_id=topics.group(SOURCE),
        batch_size=settings.consumer_batch_size,
        consumer=consumer,
        consumes=CONSUMES,
        description="Lifecycle events the applicant and their platform are told of; of "
        "payments, each payment made or failed, the award revoked, the clawback settled.",
    )
    box = settings.secret_box
    timeout = settings.notifications_send_timeout_seconds
    proxy = settings.notifications_egress_proxy
    http_client = webhook_client(timeout, proxy)
    delivery = DeliveryLoop(
        sessions=sessions,
        smtp=SmtpSender(
            host=settings.notifications_smtp_host,
            port=settings.notifications_smtp_port,
            sender=settings.notifications_mail_from,
            timeout=timeout,
        ),
        webhooks=WebhookSender(
            http_client,
            public_only=not settings.notifications_webhook_insecure_urls,
            proxied=proxy is not None,
        ),
        retry=RetryPolicy(
            attempts=settings.notifications_retry_attempts,
            base_seconds=settings.notifications_retry_base_seconds,
            factor=settings.notifications_retry_factor,
            cap_seconds=settings.notifications_retry_cap_seconds,
        ),
        recipient_wait=RecipientWait(
            interval_seconds=settings.notifications_recipient_wait_seconds,
            limit=settings.notifications_recipient_wait_limit,
        ),
        clock=lambda: datetime.now(UTC),
        box=box,
        poll_seconds=settings.notifications_poll_seconds,
        workers=settings.notifications_delivery_workers,
        batch=settings.notifications_delivery_batch,
        linger_seconds=settings.notifications_delivery_linger_seconds,
        bell=bell,
    )

    async def deliver() -> None:
        # Secrets stored before sealing began are sealed before anything is sent.
        await reseal(sessions, box, every_key=False)
        async with http_client:
            await delivery.run()

    limiter = RateLimiter.from_settings(settings, rate_limit, sessions)
    revocations = RevocationFeed(settings.kafka_bootstrap_servers, settings.topics.revocations)
    app = FastAPI(
        title="qsfund notifications",
        version="1",
        description="Tells applicants and municipal platforms of each step.",
        lifespan=lifespan(
            broker,
            engine,
            [
                limiter.run,
                revocations.run,
                deliver,
                partial(purge_expired_keys_every, engine, idempotency_key, settings.clock),
            ],
        ),
        dependencies=[AUTHORIZED, RATE_LIMITED],
        generate_unique_id_function=operation_id,
    )
    clock = partial(datetime.now, UTC)
    app.state.service = NotificationsService(
        transaction=sql_transaction(sessions, box),
        rules=settings.webhooks,
        clock=clock,
        new_id=uuid4,
        new_secret=new_secret,
    )
    app.state.broker = broker
    install_auth(app, ACCESS, build_verifier(settings), revocations)
    app.state.limits = Limits()
    install_problems(app)
    install_idempotency(app, NotificationsKeys(sessions, idempotency_key, box))
    app.add_middleware(BodyLimit, max_bytes=settings.notifications_max_body_bytes)
    app.add_middleware(Correlation)  # added last: outermost
    app.include_router(router)
    app.include_router(webhooks.router)
    install_rate_limits(app, limiter)
    app.include_router(health_router())
    install_read_log(app, ReadLog(read_log, sessions, clock))
    install_links(app, LINKS)
    return app


PROJECTION = Projection(
    metadata=metadata,
    tables=(recipient, objector, payment_tranche, notification),
    project=on_events,
    # Row ids are random; delivery progress is what happened after, not what the log says.
    not_from_the_log={
        "notification": (
            "id",
            "status",
            "attempts",
            "recipient_waits",
            "due_at",
            "last_error",
            "created_at",
            "sent_at",
        )
    },
)


def projection_topics(topics: Topics) -> list[str]:
    """What the projection is made of: the topics a rebuild reads (the payments topic
    for the tranches its messages name)."""
    return [topics.applications, topics.scoring, topics.payments]


def reencrypt(settings: NotificationsSettings) -> int:
    """Reseal every webhook secret and kept answer under the newest key; print the count."""

    async def run() -> Resealed:
        engine, sessions = database(settings.notifications_database_url)
        try:
            return await reseal(sessions, settings.secret_box, every_key=True)
        finally:
            await engine.dispose()

    done = asyncio.run(run())
    newest = settings.secret_box.newest
    print(f"resealed {done.secrets} webhook secrets and {done.answers} kept answers under {newest}")
    return 0


def main() -> None:
    """`qsfund-notifications` serves; `qsfund-notifications rebuild` rebuilds the projection;
    `qsfund-notifications reencrypt` reseals every webhook secret under the newest key."""
    settings = NotificationsSettings()
    if sys.argv[1:] == ["reencrypt"]:
        raise SystemExit(reencrypt(settings))
    if sys.argv[1:] == ["rebuild"]:
        raise SystemExit(
            run_rebuild(
                SOURCE,
                settings.notifications_database_url,
                PROJECTION,
                settings,
                projection_topics(settings.topics),
            )
        )
    serve(build_app(settings), settings.notifications_host, settings.notifications_port)
