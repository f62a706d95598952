"""The payload fields `verify` reads, decoded from a Heading's undecoded payload.

Each struct names only what a check needs: msgspec skips the rest of the payload without
building it. Money, scores and ranks must be integers: a payload whose figures are not is
reported as unreadable where it sits (and the checks that needed it report what is then
missing). Other fields are `Any`, like a dict's `.get`: a recorded value the checks do
not expect is a difference they report."""

from __future__ import annotations

from typing import Any

import msgspec


class Review(msgspec.Struct, gc=False):
    decision: Any = None
    # "participant": a second claim to lead one standard, paid as a participating drafter.
    lead_decision: Any = None


class Enterprise(msgspec.Struct, gc=False):
    credit_code: Any = None
    industry: Any = None
    industry_code: Any = None
    name: Any = None  # as the published list must show it


class Filing(msgspec.Struct, gc=False):
    """A submission or an amendment: what its score was priced from."""

    round_id: Any = None
    policy_version: Any = None
    enterprise: Enterprise = msgspec.field(default_factory=Enterprise)
    claim: Any = None
    # Not in the payload: when the event was recorded (microseconds), set as it is read.
    filed_at: int = 0


class Claimed(msgspec.Struct, gc=False):
    """The claim a score hands to the allocation: without any of it, it is unreadable."""

    enterprise_credit_code: Any
    achievement_key: Any
    claimed_amount_yuan: int
    score: int


class Score(Claimed, gc=False):
    policy_version: Any = None
    policy_sha256: Any = None
    # Kept as its JSON (a copy, not a view of the whole record) until it is compared: as
    # a list of dicts it was most of what a replay keeps of a score.
    breakdown: msgspec.Raw = msgspec.Raw(b"null")


class Allocated(msgspec.Struct, gc=False):
    """An award or a refusal's figures."""

    amount_yuan: int = 0
    rank: int | None = None
    reason_code: Any = None
    prior_achievement_reward_yuan: int = 0
    prior_enterprise_year_yuan: int = 0
    policy_sha256: Any = None
    allocation: int = 1  # which allocation of the round decided it (1 before re-allocations)


class Later(msgspec.Struct, gc=False):
    """What verify reads of an application's events of publicity: objections and their
    decisions, a proposed award withdrawn, a final award; and a review that follows them."""

    objection_id: Any = None
    decision: Any = None
    allocation: int = 0
    withdrawn_yuan: int = 0
    amount_yuan: int = 0


REVIEW = msgspec.json.Decoder(Review)
FILING = msgspec.json.Decoder(Filing)
ALLOCATED = msgspec.json.Decoder(Allocated)
LATER = msgspec.json.Decoder(Later)
_SCORE = msgspec.json.Decoder(Score)


def read_score(payload: msgspec.Raw) -> Score:
    score = _SCORE.decode(payload)
    score.breakdown = score.breakdown.copy()  # not a view that keeps the whole record
    return score


# A payload that is not a JSON object at all.
Malformed = msgspec.DecodeError
