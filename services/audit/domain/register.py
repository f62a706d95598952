"""The district's register as the auditor reads it from its topic: each enterprise's
record as of any moment, so an allocation is held to the register as it stood when it
decided (shared/rules/register.py, the rules scoring applied).

A record counts from its load's time (its EnterprisesRegistered event's occurred_at), as
the services' copies take it: a later load, even one listing an enterprise from a day
before the decision, does not change what that decision should have been.

Only what the rules read is kept (no names), and a record equal to the one before it in
time is kept once: a register of 100,000 enterprises loaded whole every month is a
hundred thousand records, not a million."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import msgspec

from shared.program_bar import BEIJING
from shared.rules.allocation import Exclusion, ScoredClaim
from shared.rules.register import barred_at_decision

from .facts import micros
from .findings import Finding
from .records import Coordinates, Unreadable, read_heading

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Listing(msgspec.Struct, frozen=True, gc=False):
    listed_on: date
    removed_on: date | None = None
    reference: str = ""


class Held(msgspec.Struct, frozen=True):
    """An enterprise's record as the rules read it (shared/rules/register.py's Record)."""

    industry_code: str
    registered_on: date
    deregistered_on: date | None = None
    dishonesty: tuple[Listing, ...] = ()


class _Registered(msgspec.Struct, frozen=True):
    credit_code: str
    industry_code: str
    registered_on: date
    deregistered_on: date | None = None
    dishonesty: tuple[Listing, ...] = ()


class _Batch(msgspec.Struct):
    enterprises: list[_Registered]


_BATCH = msgspec.json.Decoder(_Batch)
LOADED, REGISTERED = "RegisterLoadAccepted", "EnterprisesRegistered"


class RegisterAsOf:
    """Fed the register topic's records in log order; asked as of a moment (integer
    microseconds, as the auditor's facts keep moments)."""

    def __init__(self) -> None:
        self.first_load: int | None = None
        # By credit code: (load time, reading order, record).
        self.records: dict[str, list[tuple[int, int, Held]]] = {}
        self.findings: list[Finding] = []
        self._read = 0
        self._in_order = True

    def observe(self, raw: bytes, at: Coordinates) -> None:
        self._read += 1
        try:
            event = read_heading(raw)
            moment = micros(event.occurred_at)
            if event.event_type == LOADED:
                if self.first_load is None or moment < self.first_load:
                    self.first_load = moment
            elif event.event_type == REGISTERED:
                self._take(_BATCH.decode(event.payload), moment)
        except (Unreadable, msgspec.DecodeError) as error:
            self.findings.append(Finding("readable", f"register event not readable: {error}", at))

    def _take(self, batch: _Batch, moment: int) -> None:
        self._in_order = False
        for r in batch.enterprises:
            held = Held(r.industry_code, r.registered_on, r.deregistered_on, r.dishonesty)
            self.records.setdefault(r.credit_code, []).append((moment, self._read, held))

    def in_use_at(self, moment: int) -> bool:
        """Whether a load had been taken by then: before, nobody is held to the register."""
        return self.first_load is not None and self.first_load <= moment

    def record_at(self, credit_code: str, moment: int) -> Held | None:
        """The record of the latest load taken by `moment`; None if none held it yet."""
        if not self._in_order:
            self._settle()
        held = self.records.get(credit_code, [])
        index = bisect_right(held, (moment, self._read + 1))
        return held[index - 1][2] if index else None

    def _settle(self) -> None:
        # Partitions are read in any order: loads are put in their time's order once (two
        # of one moment in the order read, as a copy's upsert takes them), and a record
        # the same as the one before it is dropped: it changes nothing from its moment on.
        for code, held in self.records.items():
            held.sort(key=lambda r: (r[0], r[1]))
            kept = held[:1]
            kept += [r for before, r in pairwise(held) if r[2] != before[2]]
            self.records[code] = kept
        self._in_order = True

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
