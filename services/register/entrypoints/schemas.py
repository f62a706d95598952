"""What the register API answers, and the JSON load it takes (documented here; the route
reads the body itself, so a CSV and a JSON load share one path)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.contracts.register import DishonestyEntry, LoadId, RowProblem


class LoadRow(BaseModel):
    """One enterprise as the platform's register holds it: the whole record."""

    credit_code: str = Field(examples=["91110108551385082Q"])
    name: str = Field(examples=["重庆冷链物流有限公司"])
    former_names: list[str] = Field(default_factory=list, max_length=20)
    industry_code: str = Field(
        description="GB/T 4754-2017: section letter and 2 to 4 digits (GET "
        "/v1/register/industries lists them)",
        examples=["G5430"],
    )
    registered_on: date
    deregistered_on: date | None = None
    dishonesty: list[DishonestyEntry] = Field(default_factory=list, max_length=50)


class LoadRequest(BaseModel):
    """A load as JSON. The rows are checked one by one: a bad row is reported, not fatal."""

    load_id: LoadId = Field(
        description="the platform's id of this load; the same id again answers the first result",
        examples=["2026-06-01-full"],
    )
    rows: list[LoadRow]


class LoadView(BaseModel):
    """A load's result: counts, and every problem of the rows that were refused."""

    load_id: str
    loaded_by: str
    accepted_at: datetime
    sha256: str = Field(description="SHA-256 of the body as received")
    rows: int
    accepted: int
    rejected: int
    batches: int = Field(description="EnterprisesRegistered events of at most 1,000 rows")
    problems: list[RowProblem]
    problems_not_listed: int = Field(description="problems past the first 10,000, counted")


class EnterpriseView(BaseModel):
    """An enterprise as the register holds it, and the load that last wrote it."""

    credit_code: str
    name: str
    former_names: list[str]
    industry_code: str
    registered_on: date
    deregistered_on: date | None
    dishonesty: list[DishonestyEntry]
    load_id: str
    loaded_at: datetime


class DivisionView(BaseModel):
    code: str = Field(examples=["G54"])
    name: str = Field(examples=["道路运输业"])


class SectionView(BaseModel):
    code: str = Field(examples=["G"])
    name: str
    name_en: str
    divisions: list[DivisionView]


class IndustriesView(BaseModel):
    """GB/T 4754-2017's sections (门类) and divisions (大类), for industry pickers."""

    edition: str
    sections: list[SectionView]


LOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/LoadRequest"}},
            "text/csv": {
                "schema": {"type": "string"},
                "example": "credit_code,name,former_names,industry_code,registered_on,"
                "deregistered_on,dishonesty_listed_on,dishonesty_removed_on,dishonesty_reference\n"
                "91110108551385082Q,重庆冷链物流有限公司,重庆冷链运输有限公司,G5430,2019-03-01,,,,\n",
            },
        },
    }
}
