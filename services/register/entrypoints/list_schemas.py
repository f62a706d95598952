"""What the official lists' API takes and answers (the list's body is documented here;
the route reads it itself, so every problem of every entry is reported at once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.lists import CreditCode, ListKind, MatchedBy, MatchOutcome
from shared.contracts.register import LoadId
from shared.contracts.values import Text

from ..domain.official_list import SentEntry


class OfficialListRequest(BaseModel):
    """An authority's list: every entry of its one kind. Taken whole or refused whole."""

    model_config = ConfigDict(extra="forbid")

    list_id: LoadId = Field(
        description="the platform's id of this list; the same id and body again answers "
        "the first result",
        examples=["samr-2026-07-gb"],
    )
    kind: ListKind = Field(
        description="standards (entries of kind standard), award_winners (award) or "
        "pilot_projects (pilot_project)"
    )
    title: Text
    entries: list[SentEntry] = Field(min_length=1, max_length=50_000)


class MatchedCounts(BaseModel):
    credit_code: int
    name: int
    former_name: int


class ResolvedCounts(BaseModel):
    to_enterprise: int
    to_none: int


class OfficialListView(BaseModel):
    """A list's receipt and where its units stand: matched by the rules (by each way),
    still ambiguous or unmatched (a person's work), or resolved by a person."""

    list_id: str
    kind: ListKind
    title: str
    submitted_by: str
    sha256: str = Field(description="SHA-256 of the body as received")
    received_at: datetime
    entries: int
    units: int
    matched: MatchedCounts
    ambiguous: int = Field(description="ambiguous units no one has resolved yet")
    unmatched: int = Field(description="unmatched units no one has resolved yet")
    resolved: ResolvedCounts


class ResolutionView(BaseModel):
    credit_code: str | None = Field(description="the enterprise a person decided, or none")
    resolved_by: str
    note: str
    resolved_at: datetime


State = Literal["matched", "ambiguous", "unmatched", "resolved"]


class UnitView(BaseModel):
    """One unit of one entry as the list names it, how the rules matched it and why, and
    a person's resolution if any."""

    entry: int = Field(description="the entry's number in the list, from 1")
    unit: int = Field(description="the unit's place in the entry, from 0 (the lead)")
    name: str = Field(description="as the list names it")
    listed_credit_code: str | None = Field(description="as the list gives it, if it does")
    state: State = Field(
        description="matched by the rules, ambiguous or unmatched and open, or resolved"
    )
    outcome: MatchOutcome = Field(description="the rules' outcome")
    matched_by: MatchedBy | None
    credit_code: str | None = Field(description="the enterprise the rules matched")
    candidates: list[str] = Field(description="ambiguous: the enterprises that fit")
    reason: str = Field(description="`rule: words`; the rule is stable")
    resolution: ResolutionView | None
    listed_entry: dict[str, Any] = Field(description="the entry as the list gives it")


class UnitsPage(BaseModel):
    units: list[UnitView]
    next: str | None = Field(description="pass as `after` for the next page; null at the end")


class ResolveRequest(BaseModel):
    """A person's decision on a unit the rules left ambiguous or unmatched."""

    model_config = ConfigDict(extra="forbid")

    credit_code: CreditCode | None = Field(
        description="the enterprise the unit is (in the register, not deregistered), or "
        "null: none of the register's",
        examples=["91110108551385082Q"],
    )
    note: str = Field(min_length=1, max_length=2000, description="why: the decision's record")


LIST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/OfficialListRequest"}}
        },
    }
}


def unit_view(row: dict[str, Any]) -> UnitView:
    """A unit row with its entry's body: the unit's name and code are the entry's."""
    body = row["body"]
    listed = body["winner"] if body["kind"] == "award" else _units(body)[row["unit"]]
    resolution = None
    if row["resolved"]:
        resolution = ResolutionView(
            credit_code=row["resolved_credit_code"],
            resolved_by=row["resolved_by"],
            note=row["resolved_note"],
            resolved_at=row["resolved_at"],
        )
    return UnitView(
        entry=row["entry"],
        unit=row["unit"],
        name=listed["name"],
        listed_credit_code=listed.get("credit_code"),
        state="resolved" if row["resolved"] else row["outcome"],
        outcome=row["outcome"],
        matched_by=row["matched_by"],
        credit_code=row["credit_code"],
        candidates=row["candidates"],
        reason=row["reason"],
        resolution=resolution,
        listed_entry=body,
    )


def _units(body: dict[str, Any]) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = body["drafting_units" if body["kind"] == "standard" else "units"]
    return units
