"""The district's register as the auditor reads it from its topic: each enterprise's
record as of any moment, so an allocation is held to the register as it stood when it
decided (shared/rules/register.py, the rules scoring applied).

A record counts from its load's time (its EnterprisesRegistered event's occurred_at), as
the services' copies take it: a later load, even one listing an enterprise from a day
before the decision, does not change what that decision should have been."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from shared.contracts import parse_payload
from shared.contracts.register import (
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)
from shared.envelope import Envelope
from shared.program_bar import BEIJING
from shared.rules.allocation import Exclusion, ScoredClaim
from shared.rules.register import barred_at_decision

from .facts import micros
from .findings import Finding
from .records import Coordinates

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RegisterAsOf:
    """Fed the register topic's records in log order; asked as of a moment (integer
    microseconds, as the auditor's facts keep moments)."""

    def __init__(self) -> None:
        self.first_load: int | None = None
        # By credit code: (load time, reading order, record), in reading order.
        self.records: dict[str, list[tuple[int, int, RegisteredEnterprise]]] = {}
        self.findings: list[Finding] = []
        self._read = 0
        self._in_order = True

    def observe(self, raw: bytes, at: Coordinates) -> None:
        self._read += 1
        try:
            envelope = Envelope.decode(raw)
            event = parse_payload(envelope)
        except (ValueError, KeyError, TypeError) as error:
            self.findings.append(Finding("readable", f"register event not readable: {error}", at))
            return
        moment = micros(envelope.occurred_at)
        if isinstance(event, RegisterLoadAccepted):
            if self.first_load is None or moment < self.first_load:
                self.first_load = moment
        elif isinstance(event, EnterprisesRegistered):
            self._in_order = False
            for record in event.enterprises:
                self.records.setdefault(record.credit_code, []).append((moment, self._read, record))

    def in_use_at(self, moment: int) -> bool:
        """Whether a load had been taken by then: before, nobody is held to the register."""
        return self.first_load is not None and self.first_load <= moment

    def record_at(self, credit_code: str, moment: int) -> RegisteredEnterprise | None:
        """The record of the latest load taken by `moment`; None if none held it yet."""
        if not self._in_order:
            # Partitions are read in any order: loads are put in their time's order once,
            # two of one moment in the order read (as a copy's upsert would take them).
            for held in self.records.values():
                held.sort(key=lambda r: (r[0], r[1]))
            self._in_order = True
        held = self.records.get(credit_code, [])
        index = bisect_right(held, (moment, self._read + 1))
        return held[index - 1][2] if index else None

    def barred(self, claims: Iterable[ScoredClaim], moment: int) -> dict[str, Exclusion]:
        """The enterprises of these claims an allocation at `moment` may not reward."""
        if not self.in_use_at(moment):
            return {}
        codes = {str(claim.credit_code) for claim in claims}
        records = {code: self.record_at(code, moment) for code in codes}
        return barred_at_decision(records, beijing_day(moment))


def beijing_day(moment: int) -> date:
    """The day (in Beijing, as the program counts days) of a moment in microseconds."""
    return (_EPOCH + timedelta(microseconds=moment)).astimezone(BEIJING).date()
