"""What the finance bureau says of an instruction: taken, paid or failed. Each answer
may come late, twice, or contradict what is recorded; the ledger decides which count."""

from __future__ import annotations

from datetime import datetime

from shared.contracts.base import Contract
from shared.contracts.payments import (
    FailureReason,
    PaymentAccepted,
    PaymentFailed,
    PaymentSucceeded,
)

from .award_state import LIVE, AwardState
from .clawback import settlement
from .errors import Conflicting


class BureauOutcomes(AwardState):
    def accepted(self, instruction_id: str, bureau_reference: str) -> list[Contract]:
        """The bureau took it. Late (after its outcome) or repeated, it changes nothing."""
        if self._instruction_named(instruction_id).status != "instructed":
            return []
        return self._record(
            PaymentAccepted(
                application_id=self.application_id,
                instruction_id=instruction_id,
                bureau_reference=bureau_reference,
            )
        )

    def paid(
        self, instruction_id: str, amount_yuan: int, bank_reference: str, at: datetime
    ) -> list[Contract]:
        """The bureau paid it. Said again, it changes nothing; contradicting what is
        recorded, it is refused. Paid while its cancellation was asked, it is recorded
        (money moved) and due back."""
        instruction = self._instruction_named(instruction_id)
        if amount_yuan != instruction.amount_yuan:
            raise Conflicting(
                "amount_yuan",
                "amount_instructed",
                f"paid {amount_yuan} yuan on an instruction of {instruction.amount_yuan}",
            )
        if instruction.status == "paid" and instruction.bank_reference == bank_reference:
            return []
        if instruction.status not in LIVE:
            raise Conflicting(
                "status", "outcome_final", f"the instruction is already {instruction.status}"
            )
        if self.paid_yuan + amount_yuan > self.final_award_yuan:
            raise Conflicting("amount_yuan", "within_award", "this would pay above the award")
        return self._record(
            PaymentSucceeded(
                application_id=self.application_id,
                instruction_id=instruction_id,
                amount_yuan=amount_yuan,
                bank_reference=bank_reference,
                paid_at=at,
            )
        )

    def failed(
        self, instruction_id: str, reason: FailureReason, message: str, at: datetime
    ) -> list[Contract]:
        """The bureau could not pay it. Said again, it changes nothing."""
        instruction = self._instruction_named(instruction_id)
        if instruction.status == "failed" and instruction.failure == reason:
            return []
        if instruction.status not in LIVE:
            raise Conflicting(
                "status", "outcome_final", f"the instruction is already {instruction.status}"
            )
        failure = PaymentFailed(
            application_id=self.application_id,
            instruction_id=instruction_id,
            reason=reason,
            message=message,
            failed_at=at,
        )
        self.apply(failure)
        # A revoked award's live instruction failing may be the last thing it waited for;
        # asked only now that the failure is applied and the instruction no longer live.
        return [failure, *self._record(*settlement(self))]
