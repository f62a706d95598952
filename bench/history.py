"""A large, valid funding history for the auditor's benchmark: rounds of applications
submitted, reviewed, scored and allocated with the real pricing and allocation rules,
sealed into hash chains exactly as the services seal them (without pydantic, so a
million events take seconds to make, not minutes)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from shared.envelope import GENESIS_HASH, canonical_json
from shared.policy import policy_version
from shared.rules.allocation import ScoredClaim, allocate
from shared.rules.claims import ClaimRecord
from shared.rules.credit_code import ALPHABET, check_character
from shared.rules.pricing import assess

POLICY = policy_version("2026.1")
PER_ROUND = 2_000
START = datetime(2026, 3, 1, tzinfo=UTC)
INDUSTRIES = ["logistics", "retail", "modern finance", "elderly care", "catering"]
CLAIMS: list[dict[str, Any]] = [
    {
        "category": "standard",
        "level": "national",
        "standard_number": "GB/T {n}-2026",
        "title": "Service quality",
        "work": "formulation",
        "role": "lead",
        "published_on": "2026-02-01",
    },
    {
        "category": "standard",
        "level": "group",
        "standard_number": "T/CQ {n}-2026",
        "title": "Property services",
        "work": "revision",
        "role": "participant",
        "published_on": "2026-01-15",
    },
    {
        "category": "pilot_project",
        "level": "municipal",
        "project_name": "Pilot {n}",
        "accepted_on": "2026-05-01",
    },
    {
        "category": "standard_adoption",
        "international_standard": "ISO {n}",
        "products": "Catering",
        "adopted_on": "2026-04-01",
    },
]


@dataclass
class Sealer:
    """Seals one stream after another, counting time forward a millisecond an event."""

    rng: random.Random
    clock: datetime = START
    heads: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)

    def uuid(self) -> str:
        return str(UUID(int=self.rng.getrandbits(128), version=4))

    def seal(
        self,
        source: str,
        kind: str,
        aggregate_id: str,
        event_type: str,
        payload: dict[str, Any],
        causation: str | None,
        actor: str,
    ) -> tuple[str, bytes]:
        version, previous = self.heads.get((source, aggregate_id), (0, GENESIS_HASH))
        self.clock += timedelta(milliseconds=1)
        envelope: dict[str, Any] = {
            "event_id": self.uuid(),
            "event_type": event_type,
            "schema_version": 1,
            "source": source,
            "aggregate_type": kind,
            "aggregate_id": aggregate_id,
            "aggregate_version": version + 1,
            "occurred_at": self.clock.isoformat().replace("+00:00", "Z"),
            "correlation_id": self.uuid(),
            "causation_id": causation,
            "actor": {"id": actor, "role": "service" if source == "scoring" else "reviewer"},
            "payload": payload,
            "previous_hash": previous,
        }
        sealed = hashlib.sha256(canonical_json(envelope)).hexdigest()
        envelope["hash"] = sealed
        self.heads[source, aggregate_id] = (version + 1, sealed)
        return str(envelope["event_id"]), canonical_json(envelope)


def credit_code(rng: random.Random) -> str:
    body = "915001" + f"{rng.randrange(10, 99)}" + "".join(rng.choices(ALPHABET, k=9))
    return body + check_character(body)


Record = tuple[str, bytes, bytes]  # topic suffix, key, value


def history(events: int, seed: int = 2026, per_round: int = PER_ROUND) -> Iterator[Record]:
    """At least `events` events: rounds of `per_round` applications, four events each."""
    rng = random.Random(seed)
    sealer = Sealer(rng)
    made = 0
    while made < events:
        for record in _round(sealer, rng, per_round):
            made += 1
            yield record


def _round(sealer: Sealer, rng: random.Random, per_round: int) -> Iterator[Record]:
    round_id = sealer.uuid()
    opened: dict[str, Any] = {
        "round_id": round_id,
        "name": "bench",
        "year": 2026,
        "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2026-12-31T00:00:00Z",
        "period_start": "2025-07-01",
        "period_end": "2026-06-30",
        "budget_yuan": per_round * 80_000,
        "enterprise_cap_yuan": 1_000_000,
        "policy_version": POLICY.version,
    }
    yield (
        "applications",
        round_id.encode(),
        sealer.seal("applications", "round", round_id, "RoundOpened", opened, None, "officer")[1],
    )
    scored: dict[str, tuple[ScoredClaim, str]] = {}
    for _ in range(per_round):
        application_id, code = sealer.uuid(), credit_code(rng)
        claim = {
            # Numbers wide enough that no two enterprises claim to lead one standard
            # (the auditor would rightly find a second lead paid on its word).
            k: v.format(n=rng.randrange(10**12)) if isinstance(v, str) else v
            for k, v in rng.choice(CLAIMS).items()
        }
        filing: dict[str, Any] = {
            "application_id": application_id,
            "round_id": round_id,
            "policy_version": POLICY.version,
            "enterprise": {
                "credit_code": code,
                "name": "Bench Co.",
                "industry": rng.choice(INDUSTRIES),
            },
            "claim": claim,
            "evidence": [{"name": "e.pdf", "size_bytes": 10, "sha256": "5" * 64}],
            "contact": {"email": "bench@example.cn", "webhook_url": None},
            "credit_code_exception_requested": False,
        }
        key = application_id.encode()
        yield (
            "applications",
            key,
            sealer.seal(
                "applications",
                "application",
                application_id,
                "ApplicationSubmitted",
                filing,
                None,
                "applicant",
            )[1],
        )
        review_id, review = sealer.seal(
            "applications",
            "application",
            application_id,
            "ApplicationReviewed",
            {
                "application_id": application_id,
                "round_id": round_id,
                "decision": "eligible",
                "reason_code": None,
                "note": "",
                "credit_code_exception_accepted": False,
            },
            None,
            "reviewer",
        )
        yield "applications", key, review
        a = assess(cast(ClaimRecord, claim), code, filing["enterprise"]["industry"], POLICY)
        score = {
            "application_id": application_id,
            "round_id": round_id,
            "enterprise_credit_code": code,
            "achievement_key": a.achievement_key,
            "policy_version": POLICY.version,
            "policy_sha256": POLICY.sha256,
            "claimed_amount_yuan": a.claimed_amount_yuan,
            "score": a.score,
            "breakdown": [part.model_dump() for part in a.breakdown],
        }
        yield (
            "scoring",
            key,
            sealer.seal(
                "scoring",
                "application",
                application_id,
                "ApplicationScored",
                score,
                review_id,
                "scoring",
            )[1],
        )
        scored[application_id] = (
            ScoredClaim(application_id, code, a.achievement_key, a.claimed_amount_yuan, a.score),
            key.decode(),
        )
    closed = {
        "round_id": round_id,
        "year": 2026,
        "closed_at": sealer.clock.isoformat(),
        "budget_yuan": opened["budget_yuan"],
        "enterprise_cap_yuan": 1_000_000,
        "policy_version": POLICY.version,
        "application_ids": sorted(scored),
        "application_versions": {i: 2 for i in sorted(scored)},
    }
    closed_id, closing = sealer.seal(
        "applications", "round", round_id, "RoundClosed", closed, None, "officer"
    )
    yield "applications", round_id.encode(), closing
    for outcome in allocate(
        [c for c, _ in scored.values()], opened["budget_yuan"], 1_000_000, POLICY.allocation_mode
    ):
        common = {
            "application_id": outcome.application_id,
            "round_id": round_id,
            "rank": outcome.rank,
            "policy_version": POLICY.version,
            "policy_sha256": POLICY.sha256,
            "prior_achievement_reward_yuan": 0,
            "prior_enterprise_year_yuan": 0,
        }
        if outcome.reason_code is None:
            event_type = "ApplicationAwarded"
            payload = {
                **common,
                "amount_yuan": outcome.awarded_yuan,
                "claimed_amount_yuan": outcome.claimed_amount_yuan,
                "allocation_mode": POLICY.allocation_mode,
                "basis": outcome.basis,
            }
        else:
            event_type = "ApplicationNotAwarded"
            payload = {**common, "reason_code": outcome.reason_code, "note": outcome.basis}
        yield (
            "scoring",
            outcome.application_id.encode(),
            sealer.seal(
                "scoring",
                "application",
                outcome.application_id,
                event_type,
                payload,
                closed_id,
                "scoring",
            )[1],
        )
