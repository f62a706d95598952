"""A round through publicity as both services would have written it, made in memory for
the auditor's unit tests: four applications scored and allocated, the list published, an
objection to A dismissed and one to B upheld, B found ineligible and the round allocated
again, the revised list, the final decision. Sealed like bench/history.py's events, with
the real pricing, allocation, list and period rules."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from bench.history import POLICY, Record, Sealer, credit_code
from shared.contracts.values import ChainHead
from shared.hashchain import history_digest
from shared.rules.allocation import Outcome, ScoredClaim, allocate
from shared.rules.calendar import period_end
from shared.rules.claims import ClaimRecord
from shared.rules.listing import describe
from shared.rules.pricing import assess
from tests.support.program import CLAIMS

NAMES = {"A": "national_standard", "B": "national_standard", "C": "pilot", "D": "adoption"}


@dataclass
class Made:
    records: list[Record] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # A..D, and each event's name: its id


def publicity_history(seed: int = 13) -> Made:
    rng = random.Random(seed)
    sealer, made = Sealer(rng), Made()

    def emit(
        source: str,
        kind: str,
        aggregate: str,
        event_type: str,
        payload: Any,
        cause: str | None = None,
        name: str | None = None,
    ) -> str:
        event_id, raw = sealer.seal(source, kind, aggregate, event_type, payload, cause, source)
        made.records.append((source, aggregate.encode(), raw))
        if name:
            made.ids[name] = event_id
        return event_id

    round_id = sealer.uuid()
    emit(
        "applications",
        "round",
        round_id,
        "RoundOpened",
        {
            "round_id": round_id,
            "year": 2026,
            "budget_yuan": 0,
            "enterprise_cap_yuan": 10**6,
            "policy_version": POLICY.version,
            "publicity_days": 5,
            "publicity_day_kind": "working",
        },
    )
    claims: dict[str, ScoredClaim] = {}
    filings: dict[str, dict[str, Any]] = {}
    for letter, name in NAMES.items():
        application_id, code = sealer.uuid(), credit_code(rng)
        made.ids[letter] = application_id
        claim = {**CLAIMS[name]}
        if letter == "B":
            claim["standard_number"] = "GB/T 45679-2026"
        filing: dict[str, Any] = {
            "application_id": application_id,
            "round_id": round_id,
            "policy_version": POLICY.version,
            "enterprise": {"credit_code": code, "name": f"{letter} Co.", "industry": "retail"},
            "claim": claim,
        }
        filings[application_id] = filing
        emit("applications", "application", application_id, "ApplicationSubmitted", filing)
        review = emit(
            "applications",
            "application",
            application_id,
            "ApplicationReviewed",
            {"decision": "eligible"},
        )
        a = assess(cast(ClaimRecord, claim), code, "retail", POLICY)
        emit(
            "scoring",
            "application",
            application_id,
            "ApplicationScored",
            {
                "enterprise_credit_code": code,
                "achievement_key": a.achievement_key,
                "policy_version": POLICY.version,
                "policy_sha256": POLICY.sha256,
                "claimed_amount_yuan": a.claimed_amount_yuan,
                "score": a.score,
                "breakdown": [part.model_dump() for part in a.breakdown],
            },
            review,
        )
        claims[application_id] = ScoredClaim(
            application_id, code, a.achievement_key, a.claimed_amount_yuan, a.score
        )
    a_id, b_id = made.ids["A"], made.ids["B"]
    budget = claims[a_id].claimed_amount_yuan + claims[b_id].claimed_amount_yuan
    closing = {
        "round_id": round_id,
        "year": 2026,
        "budget_yuan": budget,
        "enterprise_cap_yuan": 10**6,
        "policy_version": POLICY.version,
        "application_ids": sorted(claims),
    }
    closed = emit("applications", "round", round_id, "RoundClosed", closing, name="closed")

    def allocation(
        number: int,
        in_play: list[ScoredClaim],
        before: dict[str, Outcome],
        excluded: list[str],
        cause: str,
    ) -> dict[str, Outcome]:
        outcomes = allocate(in_play, budget, 10**6, POLICY.allocation_mode)
        now = {o.application_id: o for o in outcomes}
        for application_id in (i for i in excluded if before[i].awarded_yuan):
            emit(
                "scoring",
                "application",
                application_id,
                "ProposedAwardWithdrawn",
                {
                    "allocation": number,
                    "withdrawn_yuan": before[application_id].awarded_yuan,
                },
                cause,
                name=f"withdrawn {number}",
            )
        for o in outcomes:
            earlier = before.get(o.application_id)
            if earlier and _same(earlier, o):
                continue
            awarded = o.reason_code is None
            emit(
                "scoring",
                "application",
                o.application_id,
                "ApplicationAwarded" if awarded else "ApplicationNotAwarded",
                {
                    "amount_yuan": o.awarded_yuan,
                    "rank": o.rank,
                    "reason_code": o.reason_code,
                    "policy_sha256": POLICY.sha256,
                    "allocation": number,
                },
                cause,
                name=f"decided {number} {o.application_id}",
            )
        emit(
            "scoring",
            "round",
            round_id,
            "RoundAllocated",
            {
                "round_id": round_id,
                "allocation": number,
                "policy_version": POLICY.version,
                "policy_sha256": POLICY.sha256,
                "budget_yuan": budget,
                "excluded": excluded,
                "outcomes": [
                    {
                        "application_id": o.application_id,
                        "amount_yuan": o.awarded_yuan,
                        "reason_code": o.reason_code,
                    }
                    for o in outcomes
                ],
                "heads": [],
            },
            cause,
            name=f"allocated {number}",
        )
        return now

    def listing(number: int, outcomes: dict[str, Outcome], revision: int) -> None:
        entries = []
        for o in outcomes.values():
            if not o.awarded_yuan:
                continue
            filing = filings[o.application_id]
            achievement, level = describe(filing["claim"])
            entries.append(
                {
                    "application_id": o.application_id,
                    "enterprise_name": filing["enterprise"]["name"],
                    "credit_code": filing["enterprise"]["credit_code"],
                    "category": filing["claim"]["category"],
                    "achievement": achievement,
                    "level": level,
                    "proposed_amount_yuan": o.awarded_yuan,
                }
            )
        heads = sorted(
            (
                {"source": s, "aggregate_id": a, "version": v, "hash": h}
                for (s, a), (v, h) in sealer.heads.items()
            ),
            key=lambda h: (h["source"], h["aggregate_id"]),
        )
        payload: dict[str, Any] = {
            "round_id": round_id,
            "revision": revision,
            "allocation": number,
            "entries": entries,
            "total_yuan": sum(e["proposed_amount_yuan"] for e in entries),
            "heads": heads,
            "digest": history_digest(ChainHead(**h) for h in heads),
        }
        if revision == 1:
            published = sealer.clock + timedelta(milliseconds=1)
            last_day, ends_at = period_end(published, 5, "working")
            made.ids["ends_at"] = ends_at.isoformat()
            payload |= {
                "published_at": published.isoformat(),
                "ends_at": ends_at.isoformat(),
                "last_day": last_day.isoformat(),
                "days": 5,
                "day_kind": "working",
            }
            emit("applications", "round", round_id, "PublicityOpened", payload, name="opened")
        else:
            emit("applications", "round", round_id, "PublishedListRevised", payload, name="revised")

    first = allocation(1, list(claims.values()), {}, [], closed)
    listing(1, first, 1)
    for letter, decision in (("A", "dismissed"), ("B", "upheld")):
        application_id = made.ids[letter]
        objection = f"objection-{letter}"
        emit(
            "applications",
            "application",
            application_id,
            "ObjectionLodged",
            {"objection_id": objection},
            name=f"lodged {letter}",
        )
        emit(
            "applications",
            "application",
            application_id,
            "ObjectionDecided",
            {"objection_id": objection, "decision": decision},
            name=f"decided {letter}",
        )
    review = emit(
        "applications",
        "application",
        b_id,
        "ApplicationReviewed",
        {"decision": "ineligible"},
        name="second review",
    )
    second = allocation(2, [c for i, c in claims.items() if i != b_id], first, [b_id], review)
    listing(2, second, 2)
    sealer.clock = sealer.clock + timedelta(days=10)  # past the period
    awards = sorted(
        (
            {
                "application_id": i,
                "credit_code": filings[i]["enterprise"]["credit_code"],
                "amount_yuan": o.awarded_yuan,
            }
            for i, o in second.items()
            if o.awarded_yuan
        ),
        key=lambda a: a["application_id"],
    )
    final = emit(
        "applications",
        "round",
        round_id,
        "RoundFinalised",
        {
            "round_id": round_id,
            "list_revision": 2,
            "awards": awards,
            "total_yuan": sum(a["amount_yuan"] for a in awards),
        },
        name="final",
    )
    for award in awards:
        emit(
            "applications",
            "application",
            award["application_id"],
            "AwardFinalised",
            {"amount_yuan": award["amount_yuan"]},
            final,
            name=f"final {award['application_id']}",
        )
    made.ids["round"] = round_id
    return made


def _same(earlier: Outcome, now: Outcome) -> bool:
    return (earlier.awarded_yuan, earlier.reason_code, earlier.rank) == (
        now.awarded_yuan,
        now.reason_code,
        now.rank,
    )
