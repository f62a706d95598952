"""A load's accepted rows are cut into EnterprisesRegistered batches by count and by
size: whatever the records hold, no event exceeds the largest the topics take."""

from __future__ import annotations

from datetime import date

import pytest

from services.register.domain.load import accept, cut, encoded_bound
from services.register.domain.rows import Checked
from shared.contracts.register import (
    BATCH_BYTES,
    DishonestyEntry,
    EnterprisesRegistered,
    RegisteredEnterprise,
)
from shared.envelope import canonical_json
from shared.kafka import MAX_EVENT_BYTES
from tests.support.credit_codes import credit_codes
from tests.support.events import stream

CODES = credit_codes(seed=97, count=2500)


def ordinary(code: str) -> RegisteredEnterprise:
    return RegisteredEnterprise(
        credit_code=code,
        name="重庆冷链物流有限公司",
        industry_code="G5430",
        registered_on=date(2019, 3, 1),
    )


def largest(code: str, character: str) -> RegisteredEnterprise:
    """As long as the contract lets a record be: every text at its longest."""
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


def events_of(records: list[RegisteredEnterprise]) -> list[EnterprisesRegistered]:
    checked = Checked(rows=len(records), accepted=records)
    [_, *batches] = accept("load-1", "chongqing-gov-platform", "0" * 64, checked)
    return [b for b in batches if isinstance(b, EnterprisesRegistered)]


def test_ordinary_records_go_a_thousand_to_a_batch() -> None:
    batches = events_of([ordinary(code) for code in CODES])
    assert [len(b.enterprises) for b in batches] == [1000, 1000, 500]
    assert [b.batch for b in batches] == [1, 2, 3]


# A Chinese character (3 bytes in UTF-8), one outside the basic plane (4), and a control
# character JSON escapes (6): the largest records, a thousand of them.
@pytest.mark.parametrize("character", ["冷", "\U0002a6a5", "\x1f"])
def test_a_load_of_the_largest_records_makes_no_event_over_the_limit(character: str) -> None:
    records = [largest(code, character) for code in CODES[:1000]]
    batches = events_of(records)
    assert len(batches) > 1
    assert [e for b in batches for e in b.enterprises] == records  # all, in order, once
    assert [b.batch for b in batches] == list(range(1, len(batches) + 1))
    sealed = stream(list(batches), source="register")
    sizes = [len(envelope.encode()) for envelope in sealed]
    assert max(sizes) <= MAX_EVENT_BYTES
    # And every batch is read back as the contract (at most 1,000, at least one).
    for envelope in sealed:
        EnterprisesRegistered.model_validate(envelope.payload)


@pytest.mark.parametrize("character", ["a", "冷", "\U0002a6a5", "\x1f", '"'])
def test_the_bound_is_never_below_a_records_encoded_size(character: str) -> None:
    for record in (ordinary(CODES[0]), largest(CODES[1], character)):
        assert encoded_bound(record) >= len(canonical_json(record.model_dump(mode="json")))


def test_a_batch_holds_at_most_its_bytes_and_never_nothing() -> None:
    records = [largest(code, "\x1f") for code in CODES[:100]]
    for batch in cut(records):
        assert batch
        assert len(batch) == 1 or sum(encoded_bound(r) for r in batch) <= BATCH_BYTES
    assert BATCH_BYTES <= MAX_EVENT_BYTES // 2
