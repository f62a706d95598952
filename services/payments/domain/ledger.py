"""One final award's payments: its instructions to the finance bureau, their outcomes,
and its revocation and recovery. Every command decides from the recorded events alone
and answers the new events (none when it changes nothing), already applied; `replay`
rebuilds the same state from the log, as the projection and the auditor do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shared.contracts.base import Contract
from shared.contracts.payments import (
    AwardRevoked,
    ClawbackSettled,
    FailureReason,
    InstructionCancelled,
    MilestoneReached,
    PayeeAccount,
    PaymentAccepted,
    PaymentFailed,
    PaymentInstructed,
    PaymentSucceeded,
    RepaymentRecorded,
    RevocationReason,
)

from .errors import Conflicting, InvalidInput, NotAllowedNow
from .tranches import PlannedTranche

Status = Literal["instructed", "accepted", "paid", "failed", "cancelled"]
LIVE: frozenset[Status] = frozenset({"instructed", "accepted"})
# Failures of the payee's account: paying the same account again would fail again.
ACCOUNT_FAULTS: frozenset[FailureReason] = frozenset(
    {"account_closed", "account_not_found", "account_frozen", "name_mismatch", "invalid_account"}
)


def instruction_id(application_id: str, tranche: int, attempt: int) -> str:
    """Made before the first call and sent on every retry: the bureau's idempotency key."""
    return f"{application_id}-t{tranche}-a{attempt}"


@dataclass
class Instruction:
    id: str
    tranche: int
    amount_yuan: int
    payee: PayeeAccount
    status: Status = "instructed"
    bank_reference: str | None = None
    failure: FailureReason | None = None


@dataclass
class AwardLedger:
    application_id: str
    round_id: str
    credit_code: str
    final_award_yuan: int
    plan: tuple[PlannedTranche, ...]
    instructions: dict[str, Instruction] = field(default_factory=dict)
    milestones: set[str] = field(default_factory=set)
    revocation: AwardRevoked | None = None
    repayments: dict[str, int] = field(default_factory=dict)
    settled: bool = False

    # What the money is -------------------------------------------------------------
    @property
    def paid_yuan(self) -> int:
        return sum(i.amount_yuan for i in self.instructions.values() if i.status == "paid")

    @property
    def live(self) -> list[Instruction]:
        return [i for i in self.instructions.values() if i.status in LIVE]

    @property
    def due_back_yuan(self) -> int:
        """What a revoked award's payee still owes: everything paid, less what came back."""
        if self.revocation is None:
            return 0
        return self.paid_yuan - sum(self.repayments.values())

    def _tranche_taken(self, tranche: int) -> bool:
        return any(
            i.tranche == tranche and i.status in LIVE | {"paid"} for i in self.instructions.values()
        )

    # Paying ------------------------------------------------------------------------
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

    # What the bureau says ----------------------------------------------------------
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
        return self._record(
            PaymentFailed(
                application_id=self.application_id,
                instruction_id=instruction_id,
                reason=reason,
                message=message,
                failed_at=at,
            ),
            *self._settlement(),
        )

    # Revoking and recovering -------------------------------------------------------
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
        return [revoked, *self._record(*self._settlement())]

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
        return [cancelled, *self._record(*self._settlement())]

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
        return [repayment, *self._record(*self._settlement())]

    def _settlement(self) -> list[Contract]:
        if self.revocation is None or self.settled or self.live or self.due_back_yuan:
            return []
        return [
            ClawbackSettled(
                application_id=self.application_id, repaid_yuan=sum(self.repayments.values())
            )
        ]

    # Folding events ----------------------------------------------------------------
    def _record(self, *events: Contract) -> list[Contract]:
        for event in events:
            self.apply(event)
        return list(events)

    def apply(self, event: Contract) -> None:
        if isinstance(event, PaymentInstructed):
            self.instructions[event.instruction_id] = Instruction(
                event.instruction_id, event.tranche, event.amount_yuan, event.payee
            )
        elif isinstance(event, PaymentAccepted):
            self.instructions[event.instruction_id].status = "accepted"
        elif isinstance(event, PaymentSucceeded):
            instruction = self.instructions[event.instruction_id]
            instruction.status, instruction.bank_reference = "paid", event.bank_reference
        elif isinstance(event, PaymentFailed):
            instruction = self.instructions[event.instruction_id]
            instruction.status, instruction.failure = "failed", event.reason
        elif isinstance(event, InstructionCancelled):
            self.instructions[event.instruction_id].status = "cancelled"
        elif isinstance(event, MilestoneReached):
            self.milestones.add(event.milestone)
        elif isinstance(event, AwardRevoked):
            self.revocation = event
        elif isinstance(event, RepaymentRecorded):
            self.repayments[event.reference] = event.amount_yuan
        elif isinstance(event, ClawbackSettled):
            self.settled = True

    def replay(self, events: Iterable[Contract]) -> AwardLedger:
        for event in events:
            self.apply(event)
        return self

    # Guards ------------------------------------------------------------------------
    def _not_revoked(self) -> None:
        if self.revocation is not None:
            raise NotAllowedNow("application_id", "not_revoked", "the award was revoked")

    def _payee_is_the_awardee(self, payee: PayeeAccount) -> None:
        if payee.credit_code != self.credit_code:
            raise InvalidInput(
                "payee.credit_code",
                "the_awardee",
                "an award is paid only to the enterprise awarded",
            )

    def _instruction_named(self, instruction_id: str) -> Instruction:
        try:
            return self.instructions[instruction_id]
        except KeyError:
            raise InvalidInput(
                "instruction_id", "known", f"no instruction {instruction_id!r} on this award"
            ) from None


def _same_account(a: PayeeAccount, b: PayeeAccount) -> bool:
    return (a.account_number, a.account_name, a.cnaps_code) == (
        b.account_number,
        b.account_name,
        b.cnaps_code,
    )
