"""A load's events: its acceptance (counts and problems) and its accepted rows in batches."""

from __future__ import annotations

from shared.contracts import Contract
from shared.contracts.register import (
    BATCH_SIZE,
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)

from .batches import batches
from .rows import Checked

# The problems one acceptance lists: a load of bad rows only still makes an event of a
# megabyte or two, under the largest the topics take. The rest are counted.
MAX_LISTED_PROBLEMS = 10_000


def accept(load_id: str, loaded_by: str, sha256: str, checked: Checked) -> list[Contract]:
    """The acceptance first, then one EnterprisesRegistered a thousand accepted rows (fewer
    when their names and listings are long)."""
    batched = batches(checked.accepted, BATCH_SIZE, _record_bytes)
    accepted = RegisterLoadAccepted(
        load_id=load_id,
        loaded_by=loaded_by,
        sha256=sha256,
        rows=checked.rows,
        accepted=len(checked.accepted),
        rejected=checked.rejected,
        batches=len(batched),
        problems=checked.problems[:MAX_LISTED_PROBLEMS],
        problems_not_listed=max(0, len(checked.problems) - MAX_LISTED_PROBLEMS),
    )
    registered = [
        EnterprisesRegistered.model_construct(load_id=load_id, batch=number, enterprises=batch)
        for number, batch in enumerate(batched, start=1)
    ]
    return [accepted, *registered]


def _record_bytes(record: RegisteredEnterprise) -> int:
    # UTF-8 takes at most 3 bytes a character; field names, codes and dates are ~200,
    # a listing's ~100 beside its reference.
    names = len(record.name) + sum(len(name) for name in record.former_names)
    listings = sum(100 + 3 * len(entry.reference) for entry in record.dishonesty)
    return 200 + 3 * names + listings
