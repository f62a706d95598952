"""A load of the largest records the contract allows (every text at its longest, 50
listings each) in every kind of character JSON encodes longest: no event exceeds what
the topics take, whatever the records hold."""

from __future__ import annotations

from datetime import date

import pytest

from services.register.domain.load import accept
from services.register.domain.rows import Checked
from shared.contracts.register import DishonestyEntry, EnterprisesRegistered, RegisteredEnterprise
from shared.kafka import MAX_EVENT_BYTES
from tests.support.credit_codes import credit_codes
from tests.support.events import stream

CODES = credit_codes(seed=97, count=1000)


def largest(code: str, character: str) -> RegisteredEnterprise:
    return RegisteredEnterprise(
        credit_code=code,
        name=character * 500,
        former_names=[character * 500] * 20,
        industry_code="G5430",
        registered_on=date(2019, 3, 1),
        deregistered_on=date(2026, 1, 1),
        dishonesty=[
            DishonestyEntry(
                listed_on=date(2020, 1, 1), removed_on=date(2021, 1, 1), reference=character * 200
            )
        ]
        * 50,
    )


# A Chinese character (3 bytes in UTF-8), one outside the basic plane (4), and a control
# character JSON escapes as \u001f (6): a thousand records of each.
@pytest.mark.parametrize("character", ["冷", "\U0002a6a5", "\x1f"])
def test_a_load_of_the_largest_records_makes_no_event_over_the_limit(character: str) -> None:
    records = [largest(code, character) for code in CODES]
    checked = Checked(rows=len(records), accepted=records)
    [_, *made] = accept("load-1", "chongqing-gov-platform", "0" * 64, checked)
    batches = [b for b in made if isinstance(b, EnterprisesRegistered)]
    assert len(batches) == len(made) > 1
    assert [e for b in batches for e in b.enterprises] == records  # all, in order, once
    assert [b.batch for b in batches] == list(range(1, len(batches) + 1))
    sealed = stream(list(batches), source="register")
    assert max(len(envelope.encode()) for envelope in sealed) <= MAX_EVENT_BYTES
    for envelope in sealed:  # as a consumer reads it
        EnterprisesRegistered.model_validate(envelope.payload)
