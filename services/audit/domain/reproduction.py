"""Re-running scoring and allocation from the recorded inputs under the recorded policy:
the numbers must come out exactly as they were recorded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, cast

import msgspec

from shared.contracts.scoring import ScoreComponent
from shared.envelope import canonical_json
from shared.policy import Policy, UnknownPolicy, policy_version
from shared.rules.claims import ClaimRecord
from shared.rules.pricing import assess

from .allocations import reproduce_allocations
from .application import Application, Scored
from .causality import Reviews
from .facts import ApplicationFacts
from .findings import Finding
from .register import RegisterAsOf
from .rounds import Round

SCORE, POLICY = "score reproduced", "policy"


def recorded_policy(version: str, recorded_sha256: str | None) -> Policy | str:
    """The policy document of `version`, if it is the very one the event recorded; else
    why not."""
    try:
        policy = policy_version(version)
    except UnknownPolicy as error:
        return str(error)
    if recorded_sha256 is not None and recorded_sha256 != policy.sha256:
        return (
            f"policy {version} recorded with SHA-256 {recorded_sha256[:12]}…, but the "
            f"document has {policy.sha256[:12]}…"
        )
    return policy


def reproduce_scores(application: Application, reviews: Reviews) -> list[Finding]:
    """Every score of one application, priced again from the filing it was made on."""
    return [
        finding
        for scored in application.scores
        for finding in _reproduce_score(application, reviews, scored)
    ]


def _reproduce_score(application: Application, reviews: Reviews, scored: Scored) -> list[Finding]:
    review = reviews.get(scored.causation_id or "")
    filing = application.filing_before(review[2]) if review else None
    if filing is None:
        return []  # causality reports the missing review or submission
    recorded = scored.payload
    submitted = application.submitted
    pinned = submitted.policy_version if submitted else None
    if recorded.policy_version != pinned:
        message = f"scored under {recorded.policy_version}, but the round pinned {pinned}"
        return [Finding(POLICY, message, scored.at, scored.event_id, **_where(application))]
    policy = recorded_policy(recorded.policy_version, recorded.policy_sha256)
    if isinstance(policy, str):
        return [Finding(POLICY, policy, scored.at, scored.event_id, **_where(application))]
    enterprise = filing.enterprise
    # Read from the log: the submission's payload is the claim as the scoring service read it.
    claim = cast(ClaimRecord, filing.claim)
    if review is not None and review[3] == "participant":
        # The reviewer paid a second claim to lead one standard as a participant's.
        claim = cast(ClaimRecord, {**claim, "role": "participant"})
    again = assess(
        claim, enterprise.credit_code, enterprise.industry, policy, enterprise.industry_code
    )
    if (
        recorded.claimed_amount_yuan == again.claimed_amount_yuan
        and recorded.score == again.score
        and recorded.achievement_key == again.achievement_key
        and bytes(recorded.breakdown) == _recorded_form(again.breakdown)
    ):
        return []  # as nearly always: nothing more to build
    # Compared as values: a breakdown encoded otherwise may still be the same.
    recorded_as_read = {
        "claimed_amount_yuan": recorded.claimed_amount_yuan,
        "score": recorded.score,
        "achievement_key": recorded.achievement_key,
        "breakdown": msgspec.json.decode(recorded.breakdown),
    }
    expected = {
        "claimed_amount_yuan": again.claimed_amount_yuan,
        "score": again.score,
        "achievement_key": again.achievement_key,
        "breakdown": msgspec.json.decode(_recorded_form(again.breakdown)),
    }
    differences = [
        f"{name} recorded {recorded_as_read[name]!r}, reproduced {value!r}"
        for name, value in expected.items()
        if recorded_as_read[name] != value
    ]
    if not differences:
        return []
    message = "; ".join(differences)
    return [Finding(SCORE, message, scored.at, scored.event_id, **_where(application))]


# The few breakdowns pricing makes are encoded once each: the auditor compares every
# score's recorded bytes with them (pricing hands out the same tuple for the same terms,
# so the lookup's equality is an identity check).
@lru_cache(maxsize=4096)
def _recorded_form(breakdown: tuple[ScoreComponent, ...]) -> bytes:
    """The breakdown's canonical encoding, as an ApplicationScored record carries it."""
    return canonical_json([part.model_dump() for part in breakdown])


def _where(application: Application) -> dict[str, Any]:
    return {"application_id": application.id, "round_id": application.round_id}


Pending = Callable[[], list[Finding]]
# Starts reproducing the rounds' allocations; what it returns gives the findings.
RoundsReproduction = Callable[
    [Mapping[str, Round], Mapping[str, ApplicationFacts], RegisterAsOf], Pending
]


def reproduce_rounds(
    rounds: Mapping[str, Round], facts: Mapping[str, ApplicationFacts], register: RegisterAsOf
) -> Pending:
    """Every round's allocation run again, in this process, when the findings are asked
    for (an adapter may run them in other processes meanwhile: rounds are independent)."""
    return lambda: [
        f for round_ in rounds.values() for f in reproduce_round(round_, facts, register)
    ]


def reproduce_round(
    round_: Round, facts: Mapping[str, ApplicationFacts], register: RegisterAsOf
) -> list[Finding]:
    """The round's allocations run again over the claims in play, holding enterprises to
    the register as of each allocation: needs every partition."""
    closed = round_.closed
    decided = [a for a in round_.applications if a.decisions]
    if closed is None or not decided:
        return []
    first = min((d for a in decided for d in a.decisions), key=lambda d: (d.occurred_at, d.at))
    policy = recorded_policy(closed.payload["policy_version"], first.policy_sha256)
    if isinstance(policy, str):
        return [Finding(POLICY, policy, first.at, first.event_id, round_id=round_.id)]
    findings = [
        Finding(
            POLICY,
            f"decided under a policy with SHA-256 {str(recorded)[:12]}…, but the "
            f"round's policy {policy.version} has {policy.sha256[:12]}…",
            decision.at,
            decision.event_id,
            application.id,
            round_.id,
        )
        for application in decided
        for decision in application.decisions
        if (recorded := decision.policy_sha256) is not None and recorded != policy.sha256
    ]
    # What earlier rounds had paid is taken as the decisions recorded it: the allocation
    # is reproduced on their word, and the limits check holds them to the history.
    return findings + reproduce_allocations(round_, facts, policy, decided, register)
