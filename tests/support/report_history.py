"""A small hand-made round for the report's tests: five applications whose figures are
worked out by hand in tests/unit/test_report.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal
from uuid import uuid4

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    RoundClosed,
    RoundOpened,
)
from shared.contracts.payments import PaymentSucceeded, RepaymentRecorded
from shared.contracts.publicity import AwardFinalised, RoundFinalised
from shared.contracts.scoring import ApplicationAwarded, ApplicationNotAwarded, ApplicationScored
from shared.contracts.values import (
    Claim,
    Contact,
    Enterprise,
    Evidence,
    PilotProjectClaim,
    QualityBrandClaim,
    StandardClaim,
)
from shared.envelope import GENESIS_HASH, Actor, Envelope, seal

ROUND = "round-r"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
CODES = ("91110108551385082Q", "91110000600037341L", "91500000MA5U8ABC1X", "91500000MA5U8ABD2Y")


def at(event: Contract, moment: datetime) -> tuple[Envelope, Contract]:
    envelope = seal(
        event_type=event.event_type,
        schema_version=event.schema_version,
        source="test",
        aggregate_type=event.aggregate_type,
        aggregate_id=event.aggregate_id(),
        aggregate_version=1,
        payload=event.model_dump(mode="json"),
        actor=Actor(id="test", role="service"),
        correlation_id=uuid4(),
        causation_id=None,
        previous_hash=GENESIS_HASH,
        occurred_at=moment,
    )
    return envelope, event


def _standard(role: Literal["lead", "participant"]) -> Claim:
    return StandardClaim(
        category="standard",
        level="national",
        standard_number=f"GB/T 4{len(role)}000-2026",
        title="Cold-chain service quality",
        work="formulation",
        role=role,
        published_on=date(2026, 2, 1),
    )


def _submitted(app: str, code: str, industry: str, claim: Claim) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=app,
        round_id=ROUND,
        policy_version="2026.2",
        enterprise=Enterprise(credit_code=code, name=f"Enterprise {app}", industry=industry),
        claim=claim,
        evidence=[Evidence(name="e.pdf", size_bytes=1, sha256="a" * 64)],
        contact=Contact(email="office@example.cn"),
    )


def _scored(app: str, code: str, claimed: int) -> ApplicationScored:
    return ApplicationScored(
        application_id=app,
        round_id=ROUND,
        enterprise_credit_code=code,
        achievement_key=f"{code}/{app}",
        policy_version="2026.2",
        policy_sha256="b" * 64,
        claimed_amount_yuan=claimed,
        score=80,
        breakdown=[],
    )


def _awarded(app: str, amount: int, claimed: int) -> ApplicationAwarded:
    return ApplicationAwarded(
        application_id=app,
        round_id=ROUND,
        amount_yuan=amount,
        claimed_amount_yuan=claimed,
        rank=1,
        allocation_mode="rank",
        policy_version="2026.2",
        policy_sha256="b" * 64,
        basis="rank",
    )


def _paid(app: str, amount: int, moment: datetime) -> PaymentSucceeded:
    return PaymentSucceeded(
        application_id=app,
        instruction_id=f"{app}-1",
        amount_yuan=amount,
        bank_reference="bank-1",
        paid_at=moment,
    )


def history() -> list[tuple[Envelope, Contract]]:
    """A: a priority-industry standard, awarded 300000, final, paid in 2 days. B: a
    quality brand found ineligible. C: a pilot not awarded for budget. D: a participant
    awarded 120000, paid, revoked, 50000 recovered. E: withdrawn by its applicant."""
    closed = T0 + 10 * DAY
    final = closed + 8 * DAY
    brand = QualityBrandClaim(
        category="quality_brand", award="mayor_quality_award", tier="winner", year=2026
    )
    pilot = PilotProjectClaim(
        category="pilot_project", level="municipal", project_name="Pilot", accepted_on=T0.date()
    )
    return [
        at(
            RoundOpened(
                round_id=ROUND,
                name="2026 incentives",
                year=2026,
                opens_at=T0,
                closes_at=closed,
                period_start=date(2025, 7, 1),
                period_end=date(2026, 6, 30),
                budget_yuan=500_000,
                enterprise_cap_yuan=1_000_000,
                policy_version="2026.2",
            ),
            T0 - DAY,
        ),
        at(_submitted("A", CODES[0], "Cold-Chain Logistics", _standard("lead")), T0),
        at(_submitted("B", CODES[1], "cultural tourism", brand), T0),
        at(_submitted("C", CODES[2], "machinery", pilot), T0),
        at(_submitted("D", CODES[3], "logistics", _standard("participant")), T0),
        at(_submitted("E", CODES[3], "logistics", _standard("participant")), T0),
        # Reviews after 2, 4, 6 and 10 hours: the median of four is (4 + 6) / 2 = 5 hours.
        at(
            ApplicationReviewed(application_id="A", round_id=ROUND, decision="eligible"),
            T0 + 2 * HOUR,
        ),
        at(
            ApplicationReviewed(
                application_id="B",
                round_id=ROUND,
                decision="ineligible",
                reason_code="outside_period",
            ),
            T0 + 4 * HOUR,
        ),
        at(
            ApplicationReviewed(application_id="C", round_id=ROUND, decision="eligible"),
            T0 + 6 * HOUR,
        ),
        at(
            ApplicationReviewed(application_id="D", round_id=ROUND, decision="eligible"),
            T0 + 10 * HOUR,
        ),
        at(ApplicationWithdrawn(application_id="E", round_id=ROUND), T0 + HOUR),
        # Scored 1, 1 and 3 minutes after review: the median of three is 1 minute.
        at(_scored("A", CODES[0], 300_000), T0 + 2 * HOUR + 60 * timedelta(seconds=1)),
        at(_scored("C", CODES[2], 300_000), T0 + 6 * HOUR + 60 * timedelta(seconds=1)),
        at(_scored("D", CODES[3], 120_000), T0 + 10 * HOUR + 180 * timedelta(seconds=1)),
        at(
            RoundClosed(
                round_id=ROUND,
                year=2026,
                closed_at=closed,
                budget_yuan=500_000,
                enterprise_cap_yuan=1_000_000,
                policy_version="2026.2",
                application_ids=["A", "B", "C", "D", "E"],
            ),
            closed,
        ),
        at(_awarded("A", 300_000, 300_000), closed),
        at(_awarded("D", 120_000, 120_000), closed),
        at(
            ApplicationNotAwarded(
                application_id="C",
                round_id=ROUND,
                reason_code="budget_exhausted",
                note="",
                policy_version="2026.2",
                policy_sha256="b" * 64,
            ),
            closed,
        ),
        at(AwardFinalised(application_id="A", round_id=ROUND, amount_yuan=300_000), final),
        at(AwardFinalised(application_id="D", round_id=ROUND, amount_yuan=120_000), final),
        at(RoundFinalised(round_id=ROUND, list_revision=1, awards=[], total_yuan=420_000), final),
        # Paid 2 and 4 days after final: the median is 3 days.
        at(_paid("A", 300_000, final + 2 * DAY), final + 2 * DAY),
        at(_paid("D", 120_000, final + 4 * DAY), final + 4 * DAY),
        at(
            RepaymentRecorded(
                application_id="D",
                amount_yuan=50_000,
                reference="repaid-1",
                received_at=final + 9 * DAY,
                still_due_yuan=70_000,
            ),
            final + 9 * DAY,
        ),
    ]
