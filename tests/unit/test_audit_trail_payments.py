"""The auditor's trail and as-of over a history with its money: after its final award, an
application's trail goes on with its payments, its revocation and repayments; as-of
says what was paid and what was due back at any moment, and the award stays the award."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.audit.domain.history import History
from services.audit.domain.views import application_as_of, application_trail, round_as_of
from tests.support.audit_log import history_log
from tests.support.payments_history import Paid, payments_history

LATER = datetime(2040, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def paid() -> Paid:
    return payments_history()


@pytest.fixture(scope="module")
def history(paid: Paid) -> History:
    history = History()
    for at, value in history_log(paid.made):
        history.observe(value, at)
    history.settle_order()
    return history


def when(history: History, paid: Paid, name: str) -> datetime:
    return history.by_id[paid.made.ids[name]].occurred_at


def test_the_trail_goes_on_after_the_final_award_with_the_money(
    history: History, paid: Paid
) -> None:
    trail = application_trail(history, paid.made.ids["A"])
    types = [entry["event_type"] for entry in trail]
    final = types.index("AwardFinalised")
    assert types[final + 1 :] == [
        "PaymentInstructed",
        "PaymentAccepted",
        "PaymentSucceeded",
        "AwardRevoked",
        "RepaymentRecorded",
        "RepaymentRecorded",
        "ClawbackSettled",
    ]
    by_type = {entry["event_type"]: entry for entry in trail}
    payment = by_type["PaymentSucceeded"]
    assert payment["source"] == "payments"
    assert payment["amounts"] == {"amount_yuan": 300_000}
    assert payment["references"]["bank_reference"] == "CQTB-A-1"
    assert payment["where"].startswith("payments/")
    revoked = by_type["AwardRevoked"]
    assert revoked["reason"] == "false_materials"
    assert revoked["amounts"] == {"paid_yuan": 300_000}
    assert revoked["references"] == {"document_reference": "渝质撤[2026]1号"}
    assert trail[-2]["amounts"] == {"amount_yuan": 200_000, "still_due_yuan": 0}


def test_a_failure_in_the_trail_says_why_and_the_reissue_names_what_it_pays_again(
    history: History, paid: Paid
) -> None:
    trail = application_trail(history, paid.made.ids["C"])
    (failed,) = [e for e in trail if e["event_type"] == "PaymentFailed"]
    assert failed["reason"] == "account_closed / 收款账户已销户"
    first, again = [e for e in trail if e["event_type"] == "PaymentInstructed"]
    assert again["references"]["reissue_of"] == first["references"]["instruction_id"]


def payments_at(history: History, paid: Paid, moment: datetime) -> dict[str, Any]:
    state = application_as_of(history, paid.made.ids["A"], moment)
    # The award is what was awarded, whatever became of its money.
    assert (state["status"], state["amount_yuan"]) == ("awarded", 300_000)
    shown: dict[str, Any] = state["payments"]
    return shown


def test_as_of_says_what_was_paid_and_due_back_at_each_moment(history: History, paid: Paid) -> None:
    final = payments_at(history, paid, when(history, paid, f"final {paid.made.ids['A']}"))
    assert (final["state"], final["paid_yuan"], final["instructions"]) == ("final", 0, [])
    sent = payments_at(history, paid, when(history, paid, "A PaymentAccepted"))
    assert (sent["state"], sent["paid_yuan"], sent["in_flight_yuan"]) == ("paying", 0, 300_000)
    done = payments_at(history, paid, when(history, paid, "A PaymentSucceeded"))
    assert (done["state"], done["paid_yuan"], done["in_flight_yuan"]) == ("paid", 300_000, 0)
    assert "due_back_yuan" not in done
    revoked = payments_at(history, paid, when(history, paid, "A AwardRevoked"))
    assert (revoked["state"], revoked["due_back_yuan"]) == ("revoked", 300_000)
    assert revoked["revocation"]["reason"] == "false_materials"
    part = payments_at(history, paid, when(history, paid, "A first RepaymentRecorded"))
    assert (part["state"], part["repaid_yuan"], part["due_back_yuan"]) == (
        "revoked",
        100_000,
        200_000,
    )
    settled = payments_at(history, paid, LATER)
    assert (settled["state"], settled["repaid_yuan"], settled["due_back_yuan"]) == (
        "settled",
        300_000,
        0,
    )


def test_as_of_lists_a_failed_instruction_and_the_reissue_that_paid(
    history: History, paid: Paid
) -> None:
    state = application_as_of(history, paid.made.ids["C"], LATER)["payments"]
    assert state["state"] == "paid"
    assert [(i["status"], i.get("bank_reference")) for i in state["instructions"]] == [
        ("failed", None),
        ("paid", "CQTB-C-2"),
    ]


def test_an_application_never_final_has_no_payments(history: History, paid: Paid) -> None:
    assert "payments" not in application_as_of(history, paid.made.ids["B"], LATER)


def test_a_round_as_of_sums_what_was_paid_and_is_due_back(history: History, paid: Paid) -> None:
    round_id = paid.made.ids["round"]
    mid = round_as_of(history, round_id, when(history, paid, "A first RepaymentRecorded"))
    assert (mid["paid_total_yuan"], mid["due_back_total_yuan"]) == (300_000, 200_000)
    end = round_as_of(history, round_id, LATER)
    assert (end["awarded_total_yuan"], end["paid_total_yuan"], end["due_back_total_yuan"]) == (
        600_000,
        600_000,
        0,
    )
    before = round_as_of(history, round_id, when(history, paid, "final") - timedelta(days=1))
    assert before["paid_total_yuan"] == 0
