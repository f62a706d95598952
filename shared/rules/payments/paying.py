"""Paying an award: instructing the tranches that are due, the milestones later tranches
wait for, and a failed instruction paid again."""

from __future__ import annotations

from shared.contracts.base import Contract
from shared.contracts.payments import (
    FailureReason,
    MilestoneReached,
    PayeeAccount,
    PaymentInstructed,
)

from .award_state import LIVE, AwardState, Instruction
from .errors import InvalidInput, NotAllowedNow
from .tranches import PlannedTranche

# Failures of the payee's account: paying the same account again would fail again.
ACCOUNT_FAULTS: frozenset[FailureReason] = frozenset(
    {"account_closed", "account_not_found", "account_frozen", "name_mismatch", "invalid_account"}
)


def instruction_id(application_id: str, tranche: int, attempt: int) -> str:
    """Made before the first call and sent on every retry: the bureau's idempotency key."""
    return f"{application_id}-t{tranche}-a{attempt}"


class Paying(AwardState):
    def instruct_due(self, payee: PayeeAccount) -> list[Contract]:
        """Instruct every tranche that is due (its award final, its milestone reached)
        and has no instruction yet. Called again, it instructs nothing more."""
        self._not_revoked()
        self._payee_is_the_awardee(payee)
        tried = {i.tranche for i in self.instructions.values()}
        due = [
            t
            for t in self.plan
            if t.number not in tried and (t.milestone is None or t.milestone in self.milestones)
        ]
        return self._record(*(self._instruction(t, payee, attempt=1) for t in due))

    def reach_milestone(self, milestone: str, document_reference: str) -> list[Contract]:
        """Record the milestone a later tranche waits for; recorded once."""
        self._not_revoked()
        if milestone not in {t.milestone for t in self.plan}:
            raise InvalidInput(
                "milestone", "in_plan", f"no tranche of this award waits for {milestone!r}"
            )
        if milestone in self.milestones:
            return []
        return self._record(
            MilestoneReached(
                application_id=self.application_id,
                milestone=milestone,
                document_reference=document_reference,
            )
        )

    def reissue(self, failed_id: str, payee: PayeeAccount) -> list[Contract]:
        """Pay a failed instruction's tranche again, to a corrected account when the
        account was at fault, as a new instruction."""
        self._not_revoked()
        self._payee_is_the_awardee(payee)
        failed = self._instruction_named(failed_id)
        if failed.status != "failed":
            raise NotAllowedNow(
                "instruction_id",
                "failed",
                f"only a failed instruction is reissued, not {failed.status}",
            )
        if self._tranche_taken(failed.tranche):
            raise NotAllowedNow(
                "instruction_id", "one_live_per_tranche", "this tranche is paid or being paid"
            )
        if failed.failure in ACCOUNT_FAULTS and _same_account(failed.payee, payee):
            raise InvalidInput(
                "payee", "account_corrected", f"it failed as {failed.failure}: give another account"
            )
        tranche = next(t for t in self.plan if t.number == failed.tranche)
        attempt = sum(i.tranche == failed.tranche for i in self.instructions.values()) + 1
        return self._record(self._instruction(tranche, payee, attempt, reissue_of=failed_id))

    def awaiting_reissue(self) -> list[Instruction]:
        """The failed instructions whose tranche nothing else pays or is paying: the
        latest of each tranche, when it failed."""
        latest = {i.tranche: i for i in self.instructions.values()}  # in instructed order
        return [i for i in latest.values() if i.status == "failed"]

    def _instruction(
        self,
        tranche: PlannedTranche,
        payee: PayeeAccount,
        attempt: int,
        reissue_of: str | None = None,
    ) -> PaymentInstructed:
        committed = self.paid_yuan + sum(i.amount_yuan for i in self.live)
        if committed + tranche.amount_yuan > self.final_award_yuan:
            # Unreachable while the plan adds up to the award; a guard the auditor shares.
            raise NotAllowedNow("amount_yuan", "within_award", "this would pay above the award")
        return PaymentInstructed(
            application_id=self.application_id,
            instruction_id=instruction_id(self.application_id, tranche.number, attempt),
            round_id=self.round_id,
            tranche=tranche.number,
            tranches=len(self.plan),
            amount_yuan=tranche.amount_yuan,
            final_award_yuan=self.final_award_yuan,
            payee=payee,
            reissue_of=reissue_of,
        )

    def _tranche_taken(self, tranche: int) -> bool:
        return any(
            i.tranche == tranche and i.status in LIVE | {"paid"} for i in self.instructions.values()
        )

    def _payee_is_the_awardee(self, payee: PayeeAccount) -> None:
        if payee.credit_code != self.credit_code:
            raise InvalidInput(
                "payee.credit_code",
                "the_awardee",
                "an award is paid only to the enterprise awarded",
            )


def _same_account(a: PayeeAccount, b: PayeeAccount) -> bool:
    return (a.account_number, a.account_name, a.cnaps_code) == (
        b.account_number,
        b.account_name,
        b.cnaps_code,
    )
