"""A load's events: its acceptance (counts and problems) and its accepted rows in batches."""

from __future__ import annotations

from shared.contracts import Contract
from shared.contracts.register import (
    BATCH_BYTES,
    BATCH_SIZE,
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)

from .rows import Checked

# The problems one acceptance lists: a load of bad rows only still makes an event of a
# megabyte or two, under the largest the topics take. The rest are counted.
MAX_LISTED_PROBLEMS = 10_000


def accept(load_id: str, loaded_by: str, sha256: str, checked: Checked) -> list[Contract]:
    """The acceptance first, then the accepted rows in EnterprisesRegistered batches."""
    batches = cut(checked.accepted)
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


# What a record's canonical JSON holds besides its strings' characters, at most: its
# keys, two dates, a credit code and an industry code, punctuation; and each listing's.
RECORD_FRAME_BYTES = 256
LISTING_FRAME_BYTES = 96
NAME_FRAME_BYTES = 3  # a former name's quotes and comma
# The most bytes one character can take in JSON: a control character escaped as \u001f
# (a Chinese character takes 3, the widest in UTF-8 takes 4).
CHARACTER_BYTES = 6


def encoded_bound(record: RegisteredEnterprise) -> int:
    """At least the bytes the record takes in its event, counted without encoding it: a
    load of 100,000 rows is encoded once, when its events are sealed."""
    characters = (
        len(record.name)
        + sum(len(name) for name in record.former_names)
        + sum(len(entry.reference) for entry in record.dishonesty)
    )
    return (
        RECORD_FRAME_BYTES
        + NAME_FRAME_BYTES * len(record.former_names)
        + LISTING_FRAME_BYTES * len(record.dishonesty)
        + CHARACTER_BYTES * characters
    )


def cut(records: list[RegisteredEnterprise]) -> list[list[RegisteredEnterprise]]:
    """Consecutive batches of at most BATCH_SIZE records and BATCH_BYTES (bounded) each:
    ordinary records a thousand to a batch, the largest some thirty."""
    batches: list[list[RegisteredEnterprise]] = []
    start, size = 0, 0
    for index, record in enumerate(records):
        bound = encoded_bound(record)
        if index > start and (index - start == BATCH_SIZE or size + bound > BATCH_BYTES):
            batches.append(records[start:index])
            start, size = index, 0
        size += bound
    if start < len(records):
        batches.append(records[start:])
    return batches
