"""HTTP bodies of publicity: the published list, objections and their decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from shared.contracts.publicity import Objector, PublishedEntry
from shared.contracts.values import ChainHead, Evidence

from .schemas import Body, Created

__all__ = ["Created"]


class ObjectionRequest(Body):
    """A named, written objection to one application in the published list."""

    application_id: Annotated[str, Field(min_length=1, max_length=64)]
    objector: Objector
    grounds: Annotated[str, Field(min_length=1, max_length=5000)]
    evidence: list[Evidence] = Field(default=[], max_length=20)


class ObjectionDecisionRequest(Body):
    """A reviewer's decision on an objection, with reasons."""

    decision: Literal["dismissed", "upheld"]
    reasons: Annotated[str, Field(min_length=1, max_length=5000)]


class ObjectionView(BaseModel):
    id: str
    application_id: str
    round_id: str
    objector: dict[str, Any]
    grounds: str
    evidence: list[dict[str, Any]]
    lodged_at: datetime
    decision: Literal["dismissed", "upheld"] | None
    reasons: str | None
    decided_by: str | None
    decided_at: datetime | None


class PublishedListView(BaseModel):
    """The published list: what a portal mirrors. `digest` is the SHA-256 over `heads`
    (each stream of the round's history as it stood); keep it to prove the history later."""

    round_id: str
    round_name: str
    year: int
    stage: Literal["in_publicity", "ended", "final"]
    published_at: datetime
    ends_at: datetime
    last_day: date
    days: int
    day_kind: Literal["working", "calendar"]
    revision: int
    revised_at: datetime
    entries: list[PublishedEntry]
    total_yuan: int
    digest: str
    heads: list[ChainHead]
    objections_to: str = Field(
        description="where to object: POST this path with an ObjectionRequest body"
    )
