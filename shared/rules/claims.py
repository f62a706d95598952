"""A claim as the rules read it: the JSON form an application's events record (dates as
ISO strings), one typed shape per category, tagged by `category`.

TypedDicts rather than models, so that a claim read from an event or a row is passed
to the rules as it is, without being built again: the contract that validates it is
`shared.contracts.values.Claim`, and a unit test holds the two to the same fields.
(No `from __future__ import annotations`: `NotRequired` must be seen when the class is
made, for `__required_keys__` to be right.)
"""

from typing import Literal, NotRequired, TypedDict, cast

from shared.contracts.values import Claim


class QualityBrand(TypedDict):
    category: Literal["quality_brand"]
    award: str
    tier: str
    year: int
    # Absent or null in claims filed before the applications API asked for it.
    conferred_on: NotRequired[str | None]


class Standard(TypedDict):
    category: Literal["standard"]
    level: str
    standard_number: str
    title: str
    work: str
    role: str
    published_on: str


class PilotProject(TypedDict):
    category: Literal["pilot_project"]
    level: str
    project_name: str
    accepted_on: str


class StandardAdoption(TypedDict):
    category: Literal["standard_adoption"]
    international_standard: str
    products: str
    adopted_on: str


ClaimRecord = QualityBrand | Standard | PilotProject | StandardAdoption


def claim_record(claim: Claim) -> ClaimRecord:
    """A validated claim in the form its events record, which is the form the rules read."""
    return cast(ClaimRecord, claim.model_dump(mode="json"))
