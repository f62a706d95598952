"""A load's events: its acceptance (counts and problems) and its accepted rows in batches."""

from __future__ import annotations

from shared.contracts import Contract
from shared.contracts.register import (
    BATCH_SIZE,
    EnterprisesRegistered,
    RegisterLoadAccepted,
)

from .rows import Checked

# The problems one acceptance lists: a load of bad rows only still makes an event of a
# megabyte or two, under the largest the topics take. The rest are counted.
MAX_LISTED_PROBLEMS = 10_000


def accept(load_id: str, loaded_by: str, sha256: str, checked: Checked) -> list[Contract]:
    """The acceptance first, then one EnterprisesRegistered a thousand accepted rows."""
    batches = [
        checked.accepted[start : start + BATCH_SIZE]
        for start in range(0, len(checked.accepted), BATCH_SIZE)
    ]
    accepted = RegisterLoadAccepted(
        load_id=load_id,
        loaded_by=loaded_by,
        sha256=sha256,
        rows=checked.rows,
        accepted=len(checked.accepted),
        rejected=checked.rejected,
        batches=len(batches),
        problems=checked.problems[:MAX_LISTED_PROBLEMS],
        problems_not_listed=max(0, len(checked.problems) - MAX_LISTED_PROBLEMS),
    )
    registered = [
        EnterprisesRegistered.model_construct(load_id=load_id, batch=number, enterprises=batch)
        for number, batch in enumerate(batches, start=1)
    ]
    return [accepted, *registered]
