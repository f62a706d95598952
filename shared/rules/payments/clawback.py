"""Recovering a revoked award: its live instructions cancelled, what was paid due back
until repaid, and the clawback settled once nothing is live and nothing is owed."""

from __future__ import annotations

from datetime import datetime

from shared.contracts.base import Contract
from shared.contracts.payments import (
    AwardRevoked,
    ClawbackSettled,
    InstructionCancelled,
    RepaymentRecorded,
    RevocationReason,
)

from .award_state import LIVE, AwardState
from .errors import Conflicting, InvalidInput, NotAllowedNow


def settlement(award: AwardState) -> list[Contract]:
    """The settlement a revoked award's last cancellation, failure or repayment brings
    about; none before, and none a second time."""
    if award.revocation is None or award.settled or award.live or award.due_back_yuan:
        return []
    return [
        ClawbackSettled(
            application_id=award.application_id, repaid_yuan=sum(award.repayments.values())
        )
    ]


class Clawback(AwardState):
    def revoke(
        self, reason: RevocationReason, document_reference: str, at: datetime
    ) -> list[Contract]:
        """Revoke the award: its live instructions are to be cancelled, what was paid is
        due back."""
        if self.revocation is not None:
            raise NotAllowedNow("application_id", "not_revoked", "the award is already revoked")
        revoked = AwardRevoked(
            application_id=self.application_id,
            credit_code=self.credit_code,
            reason=reason,
            document_reference=document_reference,
            revoked_at=at,
            paid_yuan=self.paid_yuan,
            cancelling=[i.id for i in self.live],
        )
        self.apply(revoked)
        return [revoked, *self._record(*settlement(self))]

    def cancelled(self, instruction_id: str) -> list[Contract]:
        """The bureau confirmed a revoked award's live instruction cancelled."""
        instruction = self._instruction_named(instruction_id)
        if instruction.status == "cancelled":
            return []
        if self.revocation is None or instruction.status not in LIVE:
            raise Conflicting(
                "status",
                "cancellable",
                f"the instruction is {instruction.status}, the award "
                f"{'revoked' if self.revocation else 'not revoked'}",
            )
        cancelled = InstructionCancelled(
            application_id=self.application_id, instruction_id=instruction_id
        )
        self.apply(cancelled)
        return [cancelled, *self._record(*settlement(self))]

    def repaid(self, amount_yuan: int, reference: str, at: datetime) -> list[Contract]:
        """Record money paid back; the same reference again changes nothing."""
        if self.revocation is None:
            raise NotAllowedNow("application_id", "revoked", "only a revoked award is repaid")
        if reference in self.repayments:
            if self.repayments[reference] != amount_yuan:
                raise NotAllowedNow(
                    "reference", "one_amount", "this reference was recorded with another amount"
                )
            return []
        if amount_yuan > self.due_back_yuan:
            raise InvalidInput(
                "amount_yuan", "not_above_due", f"only {self.due_back_yuan} yuan is due back"
            )
        repayment = RepaymentRecorded(
            application_id=self.application_id,
            amount_yuan=amount_yuan,
            reference=reference,
            received_at=at,
            still_due_yuan=self.due_back_yuan - amount_yuan,
        )
        self.apply(repayment)
        return [repayment, *self._record(*settlement(self))]
