"""verify over the payments of a round's final awards, made by the very ledger that
decides them: the honest history holds, in one reader as in shards; each way of moving
money the program forbids, written into the log, is named at the event that carries it;
and a filing by an enterprise barred for false materials is named while its bar runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest

from tests.support.audit_log import EVERY, Log, event_in, history_log, named, resealed, verify
from tests.support.payments_history import Paid, payee, payments_history

SHARDS = [[0, 2], [1, 3]]


@pytest.fixture(scope="module")
def paid() -> Paid:
    return payments_history()


@pytest.fixture(scope="module")
def log(paid: Paid) -> Log:
    return history_log(paid.made)


def checks_at(log: Log, event_id: str) -> set[str]:
    return {f.check for f in verify(log, EVERY).findings if f.event_id == event_id}


def test_the_honest_payments_verify_in_one_reader_and_in_shards(log: Log) -> None:
    whole = verify(log, EVERY)
    assert whole.findings == []
    assert verify(log, SHARDS) == whole
    assert sum(1 for at, _ in log if at.topic == "payments") == 13


Change = Callable[[dict[str, Any], Paid], dict[str, Any]]


def payload(**changes: Any) -> Change:
    return lambda e, _: {**e, "payload": {**e["payload"], **changes}}


def _before_the_final(event: dict[str, Any], paid: Paid) -> dict[str, Any]:
    finals = (orjson.loads(v) for _, _, v in paid.made.records)
    final = next(
        e
        for e in finals
        if e["event_type"] == "AwardFinalised" and e["aggregate_id"] == paid.made.ids["A"]
    )
    earlier = datetime.fromisoformat(final["occurred_at"]) - timedelta(hours=1)
    return {**event, "occurred_at": earlier.isoformat()}


def _to_another_enterprise(event: dict[str, Any], paid: Paid) -> dict[str, Any]:
    other = payee(paid.codes["D"]).model_dump(mode="json")
    return {**event, "payload": {**event["payload"], "payee": other}}


@pytest.mark.parametrize(
    ("changed", "change", "named_at", "check"),
    [
        ("A PaymentInstructed", payload(amount_yuan=300_001), None, "payment"),
        ("A PaymentInstructed", payload(amount_yuan=300_001), None, "payment ledger"),
        ("A PaymentInstructed", payload(final_award_yuan=1), None, "payment"),
        ("A PaymentInstructed", payload(round_id="another-round"), None, "payment"),
        ("A PaymentInstructed", _before_the_final, None, "payment"),
        ("C first PaymentInstructed", _to_another_enterprise, None, "payment ledger"),
        ("C again PaymentInstructed", payload(reissue_of="elsewhere-t1-a1"), None, "payment"),
        ("A PaymentSucceeded", payload(amount_yuan=1), None, "payment"),
        ("A PaymentSucceeded", payload(amount_yuan=1), None, "payment ledger"),
        ("A AwardRevoked", payload(paid_yuan=0), None, "payment"),
        ("A AwardRevoked", payload(paid_yuan=0), None, "payment ledger"),
        ("A first RepaymentRecorded", payload(amount_yuan=400_000), None, "payment"),
        ("A RepaymentRecorded", payload(amount_yuan=100_000), "A ClawbackSettled", "payment"),
    ],
)
def test_each_change_to_the_money_is_named_at_its_event(
    log: Log, paid: Paid, changed: str, change: Change, named_at: str | None, check: str
) -> None:
    index, event = event_in(log, paid.made.ids[changed])
    verdict = verify(resealed(log, index, change(event, paid)), EVERY)
    where = paid.made.ids[named_at or changed]
    assert (where, check) in named(verdict), verdict.findings


def _more(write: Callable[[Paid], str]) -> tuple[Log, str]:
    """The honest history with one more event sealed onto its stream (the chain intact):
    what the payments service itself could have written, had it erred."""
    paid = payments_history()
    event_id = write(paid)
    return history_log(paid.made), event_id


def _succeeded(paid: Paid, instruction: str, reference: str, amount: int = 300_000) -> str:
    return paid.raw(
        paid.made.ids["C"],
        "PaymentSucceeded",
        {
            "application_id": paid.made.ids["C"],
            "instruction_id": instruction,
            "amount_yuan": amount,
            "bank_reference": reference,
            "paid_at": "2026-05-01T00:00:00Z",
        },
    )


def _instruction(paid: Paid, which: str) -> str:
    _, event = event_in(history_log(paid.made), paid.made.ids[f"{which} PaymentInstructed"])
    return str(event["payload"]["instruction_id"])


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (
            lambda p: _succeeded(p, _instruction(p, "C again"), "CQTB-C-2"),
            "paid twice",
        ),
        (
            lambda p: _succeeded(p, _instruction(p, "C first"), "CQTB-C-1"),
            "tranche 1 paid twice",
        ),
        (
            lambda p: _succeeded(p, _instruction(p, "C first"), "CQTB-C-1"),
            "600000 yuan paid in all, above the final award of 300000",
        ),
        (lambda p: _succeeded(p, "nowhere-t1-a1", "CQTB-X"), "never instructed"),
        (
            lambda p: p.raw(
                p.made.ids["D"],
                "PaymentInstructed",
                {"application_id": p.made.ids["D"], "instruction_id": "d-t1-a1"},
            ),
            "never made final",
        ),
        (
            lambda p: p.raw(p.made.ids["C"], "ClawbackSettled", {"repaid_yuan": 0}),
            "not revoked",
        ),
    ],
)
def test_an_event_the_program_forbids_is_named_though_its_chain_is_intact(
    write: Callable[[Paid], str], message: str
) -> None:
    log, event_id = _more(write)
    findings = [f for f in verify(log, SHARDS).findings if f.event_id == event_id]
    assert any(f.check == "payment" and message in f.message for f in findings), findings
    assert not [f for f in findings if f.check == "hash chain"]


def _filed(paid: Paid, letter: str, at: datetime) -> str:
    """A new application by the enterprise of `letter`'s award, submitted at `at`."""
    paid.sealer.clock = at
    application_id = paid.sealer.uuid()
    event_id, value = paid.sealer.seal(
        "applications",
        "application",
        application_id,
        "ApplicationSubmitted",
        {
            "application_id": application_id,
            "round_id": paid.made.ids["round"],
            "policy_version": "2026.1",
            "enterprise": {"credit_code": paid.codes[letter], "name": "X", "industry": "retail"},
            "claim": {"category": "pilot_project"},
        },
        None,
        "applicant",
    )
    paid.made.records.append(("applications", application_id.encode(), value))
    return event_id


def _bars(paid: Paid, letter: str, at: datetime) -> list[str]:
    event_id = _filed(paid, letter, at)
    findings = verify(history_log(paid.made), SHARDS).findings
    return [f.message for f in findings if f.check == "three-year bar" and f.event_id == event_id]


def test_a_filing_inside_the_bar_is_named_with_the_bar_and_none_outside_it() -> None:
    paid = payments_history()
    revoked = paid.revoked_at
    [inside] = _bars(paid, "A", revoked + timedelta(days=3 * 365))
    assert "revoked for false materials (渝质撤[2026]1号)" in inside
    assert "to 2029-04-01 inclusive" in inside
    assert _bars(paid, "A", revoked - timedelta(seconds=1)) == []  # before it
    assert _bars(paid, "A", datetime.fromisoformat("2029-04-01T16:00:00+00:00")) == []  # over
    assert _bars(paid, "C", revoked + timedelta(days=1)) == []  # another enterprise


def test_a_revocation_for_duplicate_funding_bars_nothing() -> None:
    paid = payments_history()
    log = history_log(paid.made)
    index, event = event_in(log, paid.made.ids["A AwardRevoked"])
    changed = {**event, "payload": {**event["payload"], "reason": "duplicate_funding"}}
    _, value = resealed(log, index, changed)[index]
    paid.made.records = [
        (s, k, value if v == log[index][1] else v) for s, k, v in paid.made.records
    ]
    assert _bars(paid, "A", paid.revoked_at + timedelta(days=30)) == []
