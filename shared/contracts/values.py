"""Value types the contracts share: the enterprise, its claim, evidence and contact."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal["quality_brand", "standard", "pilot_project", "standard_adoption"]
Text = Annotated[str, Field(min_length=1, max_length=500)]

# A trillion yuan: far above any district's budget, and far enough below a 64-bit
# integer (9.2e18) that a million such amounts still add up in one (BIGINT columns, sums).
MAX_YUAN = 10**12
Yuan = Annotated[
    int, Field(ge=0, le=MAX_YUAN, description="whole yuan, at most 10^12 (a trillion)")
]
# A document listed as evidence is referenced, not uploaded: at most a tebibyte.
MAX_EVIDENCE_BYTES = 2**40


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ChainHead(Value):
    """Where one stream of the log stood: its source, aggregate, version and hash."""

    source: str
    aggregate_id: str
    version: int = Field(ge=1)
    hash: Digest


# A code of GB/T 4754-2017 (shared/rules/industries.py): a section letter and 2 to 4
# digits. The contract holds its shape; the API holds it to the classification.
IndustryCode = Annotated[str, Field(pattern=r"^[A-T][0-9]{2,4}$")]


class Enterprise(Value):
    """The applying enterprise, identified by its unified social credit code."""

    credit_code: str = Field(min_length=18, max_length=18)
    name: Text
    industry: Text
    # Optional, so every filing recorded before it reads as it did: the enterprise's
    # industry in the classification, the register's own where the register holds it.
    industry_code: IndustryCode | None = None


class Evidence(Value):
    """A supporting document, referenced by name, size and content hash."""

    name: Text
    size_bytes: int = Field(ge=1, le=MAX_EVIDENCE_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Contact(Value):
    """Where the applicant is told of each step; a municipal platform's webhook if any."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    webhook_url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)


class QualityBrandClaim(Value):
    """A quality-brand title the enterprise won or was nominated for."""

    category: Literal["quality_brand"]
    award: Literal["china_quality_award", "mayor_quality_award", "district_quality_award"]
    tier: Literal["winner", "nominee"]
    # The title's year, as it is named ("the 2025 mayor's quality award"): with the award,
    # which title it is.
    year: int = Field(ge=1990, le=2100)
    # The day the title was conferred: what the round's period is checked against. The
    # applications API requires it; optional here so that every claim filed before it
    # existed still reads as it was recorded (a null in newer payloads means the same).
    conferred_on: date | None = None


class StandardClaim(Value):
    """A standard the enterprise led or joined the drafting of."""

    category: Literal["standard"]
    level: Literal["international", "national", "industry", "local", "group"]
    standard_number: Annotated[str, Field(min_length=2, max_length=80)]
    title: Text
    work: Literal["formulation", "revision"]
    role: Literal["lead", "participant"]
    published_on: date


class PilotProjectClaim(Value):
    """A standardization pilot or demonstration project that passed acceptance."""

    category: Literal["pilot_project"]
    level: Literal["national", "municipal"]
    project_name: Text
    accepted_on: date


class StandardAdoptionClaim(Value):
    """An international or advanced foreign standard adopted in products or services."""

    category: Literal["standard_adoption"]
    international_standard: Annotated[str, Field(min_length=2, max_length=80)]
    products: Text
    adopted_on: date


Claim = Annotated[
    QualityBrandClaim | StandardClaim | PilotProjectClaim | StandardAdoptionClaim,
    Field(discriminator="category"),
]
