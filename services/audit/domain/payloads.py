"""The payload fields `verify` reads, decoded from a Heading's undecoded payload.

Each struct names only what a check needs: msgspec skips the rest of the payload without
building it, and keeps nothing for the collector to walk. Fields are `Any`, like a
dict's `.get`: a recorded value of the wrong type is a difference to report, not a
record to refuse (the hash chain already says whether the record is as it was sealed)."""

from __future__ import annotations

from typing import Any

import msgspec


class Review(msgspec.Struct, gc=False):
    decision: Any = None


class Enterprise(msgspec.Struct, gc=False):
    credit_code: Any = None
    industry: Any = None


class Filing(msgspec.Struct, gc=False):
    """A submission or an amendment: what its score was priced from."""

    round_id: Any = None
    policy_version: Any = None
    enterprise: Enterprise = msgspec.field(default_factory=Enterprise)
    claim: Any = None


class Score(msgspec.Struct, gc=False):
    policy_version: Any = None
    policy_sha256: Any = None
    enterprise_credit_code: Any = None
    achievement_key: Any = None
    claimed_amount_yuan: Any = None
    score: Any = None
    breakdown: Any = None


class Allocated(msgspec.Struct, gc=False):
    """An award or a refusal's figures."""

    amount_yuan: Any = 0
    rank: Any = None
    reason_code: Any = None
    prior_achievement_reward_yuan: Any = 0
    prior_enterprise_year_yuan: Any = 0
    policy_sha256: Any = None


REVIEW = msgspec.json.Decoder(Review)
FILING = msgspec.json.Decoder(Filing)
SCORE = msgspec.json.Decoder(Score)
ALLOCATED = msgspec.json.Decoder(Allocated)

# A payload that is not a JSON object at all.
Malformed = msgspec.DecodeError
