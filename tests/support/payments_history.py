"""The round of publicity_history paid, as the payments service's ledger would have
written it: A's award paid, then revoked for false materials and repaid in two parts;
C's first instruction failed (account closed) and reissued to a corrected account,
then paid. Sealed like the rest, after the final decision, for the auditor's tests."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from bench.history import Sealer
from shared.contracts.base import Contract
from shared.contracts.payments import PayeeAccount
from shared.contracts.values import Category
from shared.policy import PaymentTerms
from shared.rules.payments.ledger import AwardLedger
from shared.rules.payments.tranches import plan
from tests.support.publicity_history import Made, publicity_history


@dataclass
class Paid:
    made: Made
    sealer: Sealer
    codes: dict[str, str] = field(default_factory=dict)  # A..D: credit code
    revoked_at: datetime = datetime(2026, 4, 1, 2, tzinfo=UTC)

    def emit(self, events: list[Contract], name: str | None = None) -> None:
        """Sealed onto their award's stream, each named `name`-event type when named."""
        for event in events:
            self.raw(event.aggregate_id(), event.event_type, event.model_dump(mode="json"), name)

    def raw(self, aggregate: str, event_type: str, payload: Any, name: str | None = None) -> str:
        event_id, value = self.sealer.seal(
            "payments", "award", aggregate, event_type, payload, None, "payments"
        )
        self.made.records.append(("payments", aggregate.encode(), value))
        if name:
            self.made.ids[f"{name} {event_type}"] = event_id
        return event_id


def payee(credit_code: str, number: str = "310066726018800012345") -> PayeeAccount:
    return PayeeAccount(
        credit_code=credit_code,
        account_name="重庆某某科技有限公司",
        account_number=number,
        bank_name="交通银行重庆渝北支行",
        cnaps_code="301653000015",
    )


def payments_history() -> Paid:
    made = publicity_history()
    finals: dict[str, int] = {}
    latest = datetime(2026, 1, 1, tzinfo=UTC)
    letters = {made.ids[letter]: letter for letter in "ABCD"}
    paid = Paid(made, Sealer(random.Random(29)))
    for _, _, raw in made.records:
        event = orjson.loads(raw)
        letter = letters.get(event["aggregate_id"])
        if event["event_type"] == "ApplicationSubmitted" and letter:
            paid.codes[letter] = event["payload"]["enterprise"]["credit_code"]
        if event["event_type"] == "AwardFinalised":
            finals[event["aggregate_id"]] = event["payload"]["amount_yuan"]
        latest = max(latest, datetime.fromisoformat(event["occurred_at"]))
    paid.sealer.clock = latest + timedelta(days=1)

    def ledger(letter: str, category: Category) -> AwardLedger:
        amount = finals[made.ids[letter]]
        tranches = plan(amount, category, PaymentTerms())
        return AwardLedger(
            made.ids[letter], made.ids["round"], paid.codes[letter], amount, tranches
        )

    at = paid.sealer.clock + timedelta(days=1)
    a = ledger("A", "standard")
    [instructed] = a.instruct_due(payee(paid.codes["A"]))
    a_id = instructed.instruction_id  # type: ignore[attr-defined]
    paid.emit([instructed], "A")
    paid.emit(a.accepted(a_id, "BUREAU-A-1"), "A")
    paid.emit(a.paid(a_id, 300_000, "CQTB-A-1", at), "A")
    paid.emit(a.revoke("false_materials", "渝质撤[2026]1号", paid.revoked_at), "A")
    paid.emit(a.repaid(100_000, "REPAY-A-1", paid.revoked_at + timedelta(days=10)), "A first")
    paid.emit(a.repaid(200_000, "REPAY-A-2", paid.revoked_at + timedelta(days=20)), "A")

    c = ledger("C", "pilot_project")
    [first] = c.instruct_due(payee(paid.codes["C"], "6222021234567899901"))
    c_first = first.instruction_id  # type: ignore[attr-defined]
    paid.emit([first], "C first")
    paid.emit(c.accepted(c_first, "BUREAU-C-1"), "C first")
    paid.emit(c.failed(c_first, "account_closed", "收款账户已销户", at), "C")
    [again] = c.reissue(c_first, payee(paid.codes["C"]))
    c_again = again.instruction_id  # type: ignore[attr-defined]
    paid.emit([again], "C again")
    paid.emit(c.accepted(c_again, "BUREAU-C-2"), "C again")
    paid.emit(c.paid(c_again, 300_000, "CQTB-C-2", at + timedelta(days=1)), "C")
    return paid
