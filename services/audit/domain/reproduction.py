"""Re-running scoring and allocation from the recorded inputs under the recorded policy:
the numbers must come out exactly as they were recorded."""

from __future__ import annotations

from typing import Any

from services.scoring.domain.allocation import Outcome, PriorRewards, ScoredClaim, allocate
from services.scoring.domain.pricing import assess
from shared.policy import Policy, UnknownPolicy, policy_version

from .findings import Finding
from .history import DECISIONS, ApplicationEvents, History
from .records import LoggedEvent

SCORE, ALLOCATION, POLICY = "score reproduced", "allocation reproduced", "policy"


def recorded_policy(event: LoggedEvent, version: str, where: dict[str, Any]) -> Policy | Finding:
    """The policy document of `version`, if it is the very one the event recorded."""
    try:
        policy = policy_version(version)
    except UnknownPolicy as error:
        return Finding.about(POLICY, str(error), event, **where)
    recorded = event.payload.get("policy_sha256")
    if recorded is not None and recorded != policy.sha256:
        return Finding.about(
            POLICY,
            f"policy {version} recorded with SHA-256 {recorded[:12]}…, but the document "
            f"has {policy.sha256[:12]}…",
            event,
            **where,
        )
    return policy


def reproduce_scores(history: History) -> list[Finding]:
    findings = []
    for trail in history.applications.values():
        for scored in trail.of_type("ApplicationScored"):
            findings.extend(_reproduce_score(history, trail, scored))
    return findings


def _reproduce_score(
    history: History, trail: ApplicationEvents, scored: LoggedEvent
) -> list[Finding]:
    where = {"application_id": trail.id, "round_id": trail.round_id}
    review = history.by_id.get(scored.causation_id or "")
    filing = trail.filing_before(review) if review else None
    if filing is None:
        return []  # causality reports the missing review or submission
    recorded = scored.payload
    submitted = trail.submitted
    pinned = submitted.payload["policy_version"] if submitted else None
    if recorded["policy_version"] != pinned:
        return [
            Finding.about(
                POLICY,
                f"scored under {recorded['policy_version']}, but the round pinned {pinned}",
                scored,
                **where,
            )
        ]
    policy = recorded_policy(scored, recorded["policy_version"], where)
    if isinstance(policy, Finding):
        return [policy]
    enterprise = filing["enterprise"]
    again = assess(filing["claim"], enterprise["credit_code"], enterprise["industry"], policy)
    expected = {
        "claimed_amount_yuan": again.claimed_amount_yuan,
        "score": again.score,
        "achievement_key": again.achievement_key,
        "breakdown": [part.model_dump() for part in again.breakdown],
    }
    differences = [
        f"{name} recorded {recorded.get(name)!r}, reproduced {value!r}"
        for name, value in expected.items()
        if recorded.get(name) != value
    ]
    return [Finding.about(SCORE, "; ".join(differences), scored, **where)] if differences else []


def reproduce_allocations(history: History) -> list[Finding]:
    findings = []
    for round_id in history.rounds:
        findings.extend(_reproduce_round(history, round_id))
    return findings


def decisions_of(history: History, round_id: str) -> dict[str, LoggedEvent]:
    return {
        trail.id: decision
        for trail in history.applications_in(round_id)
        for decision in trail.of_type(*DECISIONS)
    }


def claims_allocated(history: History, round_id: str) -> list[tuple[ScoredClaim, LoggedEvent]]:
    """The scored claims that were in play when the round was allocated."""
    closed = history.round_event(round_id, "RoundClosed")
    allocated_at = history.allocated_at(round_id)
    if closed is None or allocated_at is None:
        return []
    in_play = []
    for application_id in closed.payload["application_ids"]:
        trail = history.applications.get(application_id)
        scores = trail.of_type("ApplicationScored") if trail else []
        if not trail or not scores:
            continue
        withdrawn = trail.of_type("ApplicationWithdrawn")
        if any(w.occurred_at < allocated_at for w in withdrawn):
            continue
        scored = scores[-1]
        payload = scored.payload
        claim = ScoredClaim(
            application_id=application_id,
            credit_code=payload["enterprise_credit_code"],
            achievement_key=payload["achievement_key"],
            claimed_amount_yuan=payload["claimed_amount_yuan"],
            score=payload["score"],
        )
        in_play.append((claim, scored))
    return in_play


def _reproduce_round(history: History, round_id: str) -> list[Finding]:
    closed = history.round_event(round_id, "RoundClosed")
    decisions = decisions_of(history, round_id)
    if closed is None or not decisions:
        return []
    in_play = claims_allocated(history, round_id)
    first = min(decisions.values(), key=lambda d: d.occurred_at)
    policy = recorded_policy(first, closed.payload["policy_version"], {"round_id": round_id})
    if isinstance(policy, Finding):
        return [policy]
    prior = PriorRewards(
        by_achievement={
            c.achievement_key: decisions[c.application_id].payload.get(
                "prior_achievement_reward_yuan", 0
            )
            for c, _ in in_play
            if c.application_id in decisions
        },
        by_enterprise_this_year={
            c.credit_code: decisions[c.application_id].payload.get("prior_enterprise_year_yuan", 0)
            for c, _ in in_play
            if c.application_id in decisions
        },
    )
    outcomes = allocate(
        [c for c, _ in in_play],
        budget=closed.payload["budget_yuan"],
        cap=closed.payload["enterprise_cap_yuan"],
        mode=policy.allocation_mode,
        prior=prior,
    )
    findings = []
    expected_ids = {o.application_id for o in outcomes}
    for application_id, decision in decisions.items():
        if application_id not in expected_ids:
            findings.append(
                Finding.about(
                    ALLOCATION,
                    "decided, but was not in play when the round was allocated",
                    decision,
                    application_id=application_id,
                    round_id=round_id,
                )
            )
    for outcome in outcomes:
        recorded = decisions.get(outcome.application_id)
        if recorded is None:
            findings.append(
                Finding(
                    ALLOCATION,
                    "in play but never decided",
                    closed.at,
                    closed.event_id,
                    outcome.application_id,
                    round_id,
                )
            )
            continue
        difference = _compare(outcome, recorded)
        if difference:
            findings.append(
                Finding.about(
                    ALLOCATION,
                    difference,
                    recorded,
                    application_id=outcome.application_id,
                    round_id=round_id,
                )
            )
    return findings


def _compare(outcome: Outcome, decision: LoggedEvent) -> str | None:
    recorded = decision.payload
    awarded = decision.event_type == "ApplicationAwarded"
    recorded_amount = recorded.get("amount_yuan", 0) if awarded else 0
    problems = []
    if recorded_amount != outcome.awarded_yuan:
        problems.append(f"amount recorded {recorded_amount}, reproduced {outcome.awarded_yuan}")
    if recorded.get("rank") != outcome.rank:
        problems.append(f"rank recorded {recorded.get('rank')}, reproduced {outcome.rank}")
    if not awarded and recorded.get("reason_code") != outcome.reason_code:
        problems.append(
            f"reason recorded {recorded.get('reason_code')}, reproduced {outcome.reason_code}"
        )
    return "; ".join(problems) or None
