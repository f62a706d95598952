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
from shared.rules.claims import ClaimRecord, PilotProject, QualityBrand, Standard, StandardAdoption

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
