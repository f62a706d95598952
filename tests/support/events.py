"""Building realistic events for tests, sealed exactly as the services seal them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from services.applications.domain.application import Decision
from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from shared.contracts.publicity import PublicityOpened, PublishedEntry
from shared.contracts.values import ChainHead, Contact, Enterprise, Evidence, StandardClaim
from shared.envelope import GENESIS_HASH, Actor, Envelope, seal
from shared.hashchain import history_digest

VALID_CREDIT_CODES = ("91110108551385082Q", "91110000600037341L")


def submitted(application_id: str | None = None, round_id: str = "round-1") -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=application_id or str(uuid4()),
        round_id=round_id,
        policy_version="2026.1",
        enterprise=Enterprise(
            credit_code=VALID_CREDIT_CODES[0],
            name="Chongqing Jinyu Testing Co.",
            industry="inspection and testing",
        ),
        claim=StandardClaim(
            category="standard",
            level="national",
            standard_number="GB/T 43210-2026",
            title="Cold-chain logistics service quality",
            work="formulation",
            role="lead",
            published_on=date(2026, 3, 1),
        ),
        evidence=[Evidence(name="standard.pdf", size_bytes=1024, sha256="a" * 64)],
        contact=Contact(email="quality@jinyu.example.cn"),
    )


def reviewed(application_id: str, decision: Decision = "eligible") -> ApplicationReviewed:
    return ApplicationReviewed(application_id=application_id, round_id="round-1", decision=decision)


def withdrawn(application_id: str) -> ApplicationWithdrawn:
    return ApplicationWithdrawn(
        application_id=application_id, round_id="round-1", reason="filed twice by mistake"
    )


def stream(
    events: list[Contract], source: str = "applications", occurred_at: datetime | None = None
) -> list[Envelope]:
    """Seal events one after another into one aggregate's chain (at `occurred_at`, or now)."""
    sealed: list[Envelope] = []
    previous = GENESIS_HASH
    correlation = uuid4()
    for version, event in enumerate(events, 1):
        envelope = seal(
            event_type=event.event_type,
            schema_version=event.schema_version,
            source=source,
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id(),
            aggregate_version=version,
            payload=event.model_dump(mode="json"),
            actor=Actor(id="officer-7", role="reviewer"),
            correlation_id=correlation,
            causation_id=sealed[-1].event_id if sealed else None,
            previous_hash=previous,
            occurred_at=occurred_at,
        )
        sealed.append(envelope)
        previous = envelope.hash
    return sealed


def publicity_opened(round_id: str = "round-1") -> PublicityOpened:
    """A round's list of one proposed award, published for five working days."""
    head = ChainHead(source="applications", aggregate_id=round_id, version=2, hash="c" * 64)
    return PublicityOpened(
        round_id=round_id,
        revision=1,
        allocation=1,
        entries=[
            PublishedEntry(
                application_id="a-1",
                enterprise_name="Yuzhong Quality Co.",
                credit_code=VALID_CREDIT_CODES[0],
                category="pilot_project",
                achievement="Smart property services",
                level="municipal",
                proposed_amount_yuan=300_000,
            )
        ],
        total_yuan=300_000,
        heads=[head],
        digest=history_digest([head]),
        published_at=datetime(2026, 6, 1, 2, tzinfo=UTC),
        ends_at=datetime(2026, 6, 8, 16, tzinfo=UTC),
        last_day=date(2026, 6, 8),
        days=5,
        day_kind="working",
    )
