"""The auditor holds each allocation to the district's register as it stood at the
decision, read from the register topic: a decision that rewards an enterprise the
register then listed as dishonest (or no longer held) is found; a load taken after the
decision, even one that lists the enterprise from an earlier day, changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import orjson
import pytest

from bench.history import START, history
from services.audit.domain.records import Coordinates
from services.audit.domain.register import RegisterAsOf
from services.audit.domain.verdict import Verdict, Verifier
from shared.contracts import Contract
from shared.contracts.register import (
    DishonestyEntry,
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)
from tests.support.events import stream

Log = list[tuple[Coordinates, bytes]]


@pytest.fixture(scope="module")
def log() -> Log:
    """One round of twelve applications, scored and allocated (some awarded)."""
    return [
        (Coordinates(suffix, 0, offset), value)
        for offset, (suffix, _, value) in enumerate(history(40, per_round=12))
    ]


def events(log: Log) -> list[dict[str, object]]:
    return [orjson.loads(value) for _, value in log]


def enterprises(log: Log) -> list[str]:
    return sorted(
        {
            str(e["payload"]["enterprise_credit_code"])  # type: ignore[index]
            for e in events(log)
            if e["event_type"] == "ApplicationScored"
        }
    )


def an_award(log: Log) -> tuple[str, str, datetime]:
    """An awarded application, its enterprise and the allocation's moment."""
    scored = {
        e["aggregate_id"]: e["payload"]["enterprise_credit_code"]  # type: ignore[index]
        for e in events(log)
        if e["event_type"] == "ApplicationScored"
    }
    award = next(e for e in events(log) if e["event_type"] == "ApplicationAwarded")
    moment = datetime.fromisoformat(str(award["occurred_at"]))
    return str(award["aggregate_id"]), str(scored[award["aggregate_id"]]), moment


def record(code: str, **fields: object) -> RegisteredEnterprise:
    return RegisteredEnterprise.model_validate(
        {
            "credit_code": code,
            "name": f"企业{code[-4:]}",
            "industry_code": "G5430",
            "registered_on": date(2019, 3, 1),
            **fields,
        }
    )


def load(load_id: str, at: datetime, records: list[RegisteredEnterprise]) -> list[bytes]:
    made: list[Contract] = [
        RegisterLoadAccepted(
            load_id=load_id,
            loaded_by="chongqing-gov-platform",
            sha256="0" * 64,
            rows=len(records),
            accepted=len(records),
            rejected=0,
            batches=1,
            problems=[],
        ),
        EnterprisesRegistered(load_id=load_id, batch=1, enterprises=records),
    ]
    return [e.encode() for e in stream(made, source="register", occurred_at=at)]


def verify(log: Log, *loads: list[bytes]) -> Verdict:
    verifier, register = Verifier(), RegisterAsOf()
    for at, value in log:
        verifier.observe(value, at)
    for offset, value in enumerate(v for made in loads for v in made):
        register.observe(value, Coordinates("register", 0, offset))
    return verifier.verify(register=register)


def about(verdict: Verdict, application_id: str) -> list[str]:
    return [f.message for f in verdict.findings if f.application_id == application_id]


BEFORE = START - timedelta(days=1)
LISTED = DishonestyEntry(listed_on=date(2026, 1, 5), reference="渝信[2026]3号")


def test_a_history_true_to_its_register_verifies(log: Log) -> None:
    clean = load("load-1", BEFORE, [record(c) for c in enterprises(log)])
    assert verify(log, clean).findings == []


def test_an_award_to_an_enterprise_listed_before_the_decision_is_found(log: Log) -> None:
    application_id, code, decided = an_award(log)
    clean = load("load-1", BEFORE, [record(c) for c in enterprises(log)])
    listing = load("load-2", decided - timedelta(seconds=1), [record(code, dishonesty=[LISTED])])
    [message] = about(verify(log, clean, listing), application_id)
    assert "reproduced 0" in message
    assert "on_dishonesty_list" in message


def test_a_load_after_the_decision_does_not_flip_it(log: Log) -> None:
    # Listed from a day before the decision, but loaded after it: the decision stands.
    _, code, decided = an_award(log)
    clean = load("load-1", BEFORE, [record(c) for c in enterprises(log)])
    listing = load("load-2", decided + timedelta(seconds=1), [record(code, dishonesty=[LISTED])])
    assert verify(log, clean, listing).findings == []


def test_an_award_to_an_enterprise_the_register_in_use_does_not_hold_is_found(log: Log) -> None:
    application_id, code, _ = an_award(log)
    others = load("load-1", BEFORE, [record(c) for c in enterprises(log) if c != code])
    [message] = about(verify(log, others), application_id)
    assert "not_registered_in_district" in message


def test_before_any_load_nobody_is_held_to_the_register(log: Log) -> None:
    _, _, decided = an_award(log)
    # In use only after the decision, and holding none of the round's enterprises.
    late = load("load-1", decided + timedelta(days=1), [record("91110000600037341L")])
    assert verify(log, late).findings == []


def test_a_filing_scored_under_another_industry_than_the_registers_is_found() -> None:
    from services.audit.domain.facts import micros
    from services.audit.domain.intake import check_intake, intake_facts

    pilot = {"category": "pilot_project", "level": "municipal", "project_name": "P"}
    code = "91110108551385082Q"
    register = RegisterAsOf()
    for offset, value in enumerate(load("load-1", BEFORE, [record(code)])):  # G5430
        register.observe(value, Coordinates("register", 0, offset))
    at = Coordinates("scoring", 0, 7)

    def scored(industry_code: str | None, filed: datetime) -> list[str]:
        fact = intake_facts(
            "a", "r1", pilot, "2026.4", code, 0, (at, "s"), None, (industry_code, micros(filed))
        )
        return [f.message for f in check_intake({}, [fact] if fact else [], register)]

    assert scored("G5430", START) == []
    assert scored(None, START) == []  # no code: nothing to hold (and no priority by code)
    [message] = scored("G59", START)
    assert "'G59' while the register held the enterprise as G5430" in message
    # Filed before the register was in use: its code was the applicant's to give.
    assert scored("G59", BEFORE - timedelta(days=1)) == []


def test_loads_read_out_of_order_are_taken_in_their_times_and_repeats_kept_once() -> None:
    from services.audit.domain.facts import micros

    code = "91110108551385082Q"
    listed = record(code, dishonesty=[LISTED])
    t1, t2, t3 = (START + timedelta(days=d) for d in (1, 2, 3))
    # Three monthly loads of the whole register, read as partitions happen to come.
    loads = [
        load("l3", t3, [listed]),
        load("l1", t1, [record(code)]),
        load("l2", t2, [record(code)]),
    ]
    register = RegisterAsOf()
    for offset, value in enumerate(v for made in loads for v in made):
        register.observe(value, Coordinates("register", offset % 2, offset))

    def held(at: datetime) -> object:
        found = register.record_at(code, micros(at))
        return found.dishonesty if found else None

    assert held(t1 - timedelta(seconds=1)) is None
    assert held(t2 + timedelta(hours=1)) == ()
    assert [e.reference for e in held(t3)] == ["渝信[2026]3号"]  # type: ignore[attr-defined]
    assert len(register.records[code]) == 2  # the second clean load changed nothing
