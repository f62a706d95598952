"""An award's money as it stood at a moment, for the auditor's as-of: folded from the
payments service's events of the award as they were logged.

Not the payments ledger (shared/rules/payments), which refuses what its rules forbid:
this view shows a log as it is, even a wrong one (an outcome of an instruction never
made still counts what it says was paid); `verify` is what names such an event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LIVE = ("instructed", "accepted")
_OUTCOMES = {
    "PaymentAccepted": "accepted",
    "PaymentSucceeded": "paid",
    "PaymentFailed": "failed",
    "InstructionCancelled": "cancelled",
}


@dataclass
class AwardMoney:
    final_award_yuan: int | None = None
    # By instruction id, in the order instructed: tranche, amount, status, bank reference.
    instructions: dict[str, dict[str, Any]] = field(default_factory=dict)
    paid_yuan: int = 0
    repaid_yuan: int = 0
    revocation: dict[str, Any] | None = None
    settled: bool = False

    @property
    def known(self) -> bool:
        return self.final_award_yuan is not None or bool(self.instructions or self.revocation)

    def after(self, event_type: str, payload: dict[str, Any]) -> None:
        if event_type == "AwardFinalised":
            self.final_award_yuan = int(payload["amount_yuan"])
        elif event_type == "PaymentInstructed":
            self.instructions[str(payload["instruction_id"])] = {
                "tranche": payload["tranche"],
                "amount_yuan": payload["amount_yuan"],
                "status": "instructed",
            }
        elif event_type in _OUTCOMES:
            self._answered(event_type, payload)
        elif event_type == "AwardRevoked":
            self.revocation = {
                name: payload[name] for name in ("reason", "document_reference", "revoked_at")
            }
        elif event_type == "RepaymentRecorded":
            self.repaid_yuan += int(payload["amount_yuan"])
        elif event_type == "ClawbackSettled":
            self.settled = True

    def _answered(self, event_type: str, payload: dict[str, Any]) -> None:
        instruction = self.instructions.get(str(payload["instruction_id"]))
        if event_type == "PaymentSucceeded":
            self.paid_yuan += int(payload["amount_yuan"])
        if instruction is not None:
            instruction["status"] = _OUTCOMES[event_type]
            if event_type == "PaymentSucceeded":
                instruction["bank_reference"] = payload["bank_reference"]

    @property
    def state(self) -> str:
        """The award's payment state, as README "Payment and clawback" draws it."""
        if self.settled:
            return "settled"
        if self.revocation is not None:
            return "revoked"
        if self.final_award_yuan is not None and self.paid_yuan >= self.final_award_yuan:
            return "paid"
        return "paying" if self.instructions else "final"

    def view(self) -> dict[str, Any]:
        live = sum(i["amount_yuan"] for i in self.instructions.values() if i["status"] in LIVE)
        shown: dict[str, Any] = {
            "state": self.state,
            "final_award_yuan": self.final_award_yuan,
            "paid_yuan": self.paid_yuan,
            "in_flight_yuan": live,
            "instructions": [{"instruction_id": k, **v} for k, v in self.instructions.items()],
        }
        if self.revocation is not None:
            shown["revocation"] = self.revocation
            shown["repaid_yuan"] = self.repaid_yuan
            shown["due_back_yuan"] = self.paid_yuan - self.repaid_yuan
        return shown
