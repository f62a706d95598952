"""The claim the rules read is the claim the contract validates: the same fields, the
same ones required, so that a field added to one and not the other fails here."""

from typing import get_args

import pytest
from pydantic import BaseModel

from shared.contracts.values import (
    PilotProjectClaim,
    QualityBrandClaim,
    StandardAdoptionClaim,
    StandardClaim,
)
from shared.rules.claims import (
    ClaimRecord,
    PilotProject,
    QualityBrand,
    Standard,
    StandardAdoption,
    claim_record,
)

PAIRS = [
    (QualityBrandClaim, QualityBrand),
    (StandardClaim, Standard),
    (PilotProjectClaim, PilotProject),
    (StandardAdoptionClaim, StandardAdoption),
]


@pytest.mark.parametrize(("contract", "record"), PAIRS)
def test_a_claim_record_has_the_contracts_fields(contract: type[BaseModel], record: type) -> None:
    assert set(record.__annotations__) == set(contract.model_fields)
    required = {name for name, field in contract.model_fields.items() if field.is_required()}
    assert record.__required_keys__ == required  # type: ignore[attr-defined]


def test_every_category_has_a_record() -> None:
    assert set(get_args(ClaimRecord)) == {record for _, record in PAIRS}


def test_a_validated_claim_is_read_by_the_rules_in_its_recorded_form() -> None:
    claim = StandardClaim.model_validate(
        {
            "category": "standard",
            "level": "national",
            "standard_number": "GB/T 45678-2026",
            "title": "Service quality of cold-chain logistics",
            "work": "formulation",
            "role": "lead",
            "published_on": "2026-02-10",
        }
    )
    assert claim_record(claim) == {
        "category": "standard",
        "level": "national",
        "standard_number": "GB/T 45678-2026",
        "title": "Service quality of cold-chain logistics",
        "work": "formulation",
        "role": "lead",
        "published_on": "2026-02-10",  # a string, as the event records it
    }
