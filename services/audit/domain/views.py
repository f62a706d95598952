"""What `trail`, `as-of` and `round` show: plain data, rendered elsewhere."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.rules.status import Status, StatusParts

from .facts import facts_of
from .history import History
from .money import AwardMoney
from .records import LoggedEvent
from .rounds import rounds_of

AMOUNTS = (
    "claimed_amount_yuan",
    "score",
    "amount_yuan",
    "prior_achievement_reward_yuan",
    "prior_enterprise_year_yuan",
)
# Of the award's money: what was paid or is due back, and the tranche a payment is of.
PAYMENT_AMOUNTS = ("tranche", "paid_yuan", "repaid_yuan", "still_due_yuan", "final_award_yuan")
# What a payment event names outside qsfund (the bureau's, the bank's, a document) or
# which instruction it is about.
REFERENCES = (
    "instruction_id",
    "reissue_of",
    "bureau_reference",
    "bank_reference",
    "document_reference",
    "reference",
)


def trail_entry(event: LoggedEvent) -> dict[str, Any]:
    payload = event.payload
    said = (
        payload.get(k) for k in ("decision", "reason_code", "reason", "note", "basis", "message")
    )
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "event_type": event.event_type,
        "source": event.source,
        "version": event.aggregate_version,
        "actor": f"{event.actor.get('id')} ({event.actor.get('role')})",
        "reason": " / ".join(str(part) for part in said if part),
        "policy_version": payload.get("policy_version"),
        "amounts": {
            name: payload[name] for name in (*AMOUNTS, *PAYMENT_AMOUNTS) if name in payload
        },
        "references": {name: payload[name] for name in REFERENCES if payload.get(name)},
        "event_id": event.event_id,
        "causation_id": event.causation_id,
        "where": str(event.at),
        "hash": event.hash,
    }


def application_trail(history: History, application_id: str) -> list[dict[str, Any]]:
    """Every event of the application in time order; for one filed from a proposal, first
    the official list and match it came from and the proposal's events."""
    trail = history.applications.get(application_id)
    if trail is None:
        return []
    origin = sorted(history.proposed_from(trail), key=lambda e: e.occurred_at)
    return [trail_entry(e) for e in (*origin, *trail.in_time_order())]


def application_as_of(history: History, application_id: str, moment: datetime) -> dict[str, Any]:
    trail = history.applications.get(application_id)
    if trail is None:
        return {"application_id": application_id, "known": False}
    status: Status | None = None
    parts, money = StatusParts(), AwardMoney()
    known: dict[str, Any] = {"application_id": application_id, "round_id": trail.round_id}
    for event in trail.in_time_order():
        if event.occurred_at > moment:
            break
        money.after(event.event_type, event.payload)
        known["last_event"] = event.event_type
        if event.source == "payments":
            continue  # a tranche's or a repayment's amount is not the award's
        status = parts.after(event.event_type, event.payload)
        known.update({name: event.payload[name] for name in AMOUNTS if name in event.payload})
    if money.known:
        known["payments"] = money.view()
    return {**known, "known": status is not None, "status": status}


def round_as_of(history: History, round_id: str, moment: datetime) -> dict[str, Any]:
    stream = [e for e in history.rounds.get(round_id, []) if e.occurred_at <= moment]
    applications = [
        application_as_of(history, trail.id, moment) for trail in history.applications_in(round_id)
    ]
    known = [a for a in applications if a["known"]]
    return {
        "round_id": round_id,
        "opened": any(e.event_type == "RoundOpened" for e in stream),
        "closed": any(e.event_type == "RoundClosed" for e in stream),
        "applications": known,
        "awarded_total_yuan": sum(
            a.get("amount_yuan", 0) for a in known if a["status"] == "awarded"
        ),
        "paid_total_yuan": sum(a["payments"]["paid_yuan"] for a in known if "payments" in a),
        "due_back_total_yuan": sum(
            a["payments"].get("due_back_yuan", 0) for a in known if "payments" in a
        ),
    }


def round_allocation(history: History, round_id: str) -> dict[str, Any]:
    facts = {trail.id: facts_of(trail) for trail in history.applications.values()}
    round_ = rounds_of({round_id: history.rounds.get(round_id, [])}, facts.values())[round_id]
    opened, closed = round_.event("RoundOpened"), round_.closed
    decisions = round_.decisions
    rows = []
    for claim in round_.in_play(facts):
        decision = decisions.get(claim.application_id)
        payload = history.by_id[decision.event_id].payload if decision else {}
        rows.append(
            {
                "rank": payload.get("rank"),
                "application_id": claim.application_id,
                "credit_code": claim.credit_code,
                "score": claim.score,
                "claimed_yuan": claim.claimed_amount_yuan,
                "awarded_yuan": payload.get("amount_yuan", 0),
                "outcome": "awarded"
                if decision and decision.awarded
                else payload.get("reason_code", "undecided"),
                "basis": payload.get("basis") or payload.get("note"),
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    defining = closed or opened
    budget = defining.payload["budget_yuan"] if defining else None
    awarded = sum(r["awarded_yuan"] for r in rows)
    ran_out = next((r["rank"] for r in rows if r["outcome"] == "budget_exhausted"), None)
    return {
        "round_id": round_id,
        "name": opened.payload.get("name") if opened else None,
        "policy_version": defining.payload.get("policy_version") if defining else None,
        "budget_yuan": budget,
        "claimed_total_yuan": sum(r["claimed_yuan"] for r in rows),
        "awarded_total_yuan": awarded,
        "unspent_yuan": budget - awarded if budget is not None else None,
        "budget_ran_out_at_rank": ran_out,
        "claims": rows,
    }
