"""Intake held to the three-year bar (shared/program_bar.py): no enterprise files while an
award of its was revoked for false materials less than three years before.

A revocation is read in its award's shard, an enterprise's submissions in theirs: each
shard sends on the revocations it read (a handful), the parent asks every shard for the
submissions of the credit codes they bar, and checks those."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import msgspec
from pydantic import ValidationError

from shared.contracts.payments import AwardRevoked
from shared.program_bar import bar_of, barred

from .findings import Finding
from .records import Coordinates

CHECK = "three-year bar"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Revocation(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """An AwardRevoked as read, its payload whole (the ledger's replay judges it)."""

    event_id: str
    at: Coordinates
    payload: dict[str, Any]


class Submission(NamedTuple):
    """An application's first submission, by a credit code some revocation bars."""

    application_id: str
    round_id: str | None
    credit_code: str
    submitted_at: int  # microseconds
    at: Coordinates
    event_id: str


def barring(revocations: Iterable[Revocation]) -> dict[str, list[AwardRevoked]]:
    """The revocations that bar their enterprise, by credit code. One that is not
    readable bars nothing here: the payments checks name it."""
    found: dict[str, list[AwardRevoked]] = defaultdict(list)
    for revocation in revocations:
        try:
            revoked = AwardRevoked.model_validate(revocation.payload)
        except ValidationError:
            continue
        if bar_of(revoked) is not None:
            found[revoked.credit_code].append(revoked)
    return found


def check_bar(
    revocations: Iterable[Revocation], submissions: Iterable[Submission]
) -> list[Finding]:
    by_code = barring(revocations)
    findings = []
    for filed in submissions:
        moment = _EPOCH + timedelta(microseconds=filed.submitted_at)
        bar = barred(filed.credit_code, by_code.get(filed.credit_code, ()), moment)
        if bar is not None:
            findings.append(
                Finding(
                    CHECK,
                    f"submitted at {moment.isoformat()} while barred: {bar.reason()}",
                    filed.at,
                    filed.event_id,
                    filed.application_id,
                    filed.round_id,
                )
            )
    return findings
