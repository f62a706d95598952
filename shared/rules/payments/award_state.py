"""What one final award's payments are: its instructions, milestones, revocation and
repayments, folded from its events. The commands (`paying`, `outcomes`, `clawback`)
decide from this state alone and record their events through `_record`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Self

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
)

from .errors import InvalidInput, NotAllowedNow
from .tranches import PlannedTranche

Status = Literal["instructed", "accepted", "paid", "failed", "cancelled"]
LIVE: frozenset[Status] = frozenset({"instructed", "accepted"})


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
class AwardState:
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

    def replay(self, events: Iterable[Contract]) -> Self:
        for event in events:
            self.apply(event)
        return self

    # Guards ------------------------------------------------------------------------
    def _not_revoked(self) -> None:
        if self.revocation is not None:
            raise NotAllowedNow("application_id", "not_revoked", "the award was revoked")

    def _instruction_named(self, instruction_id: str) -> Instruction:
        try:
            return self.instructions[instruction_id]
        except KeyError:
            raise InvalidInput(
                "instruction_id", "known", f"no instruction {instruction_id!r} on this award"
            ) from None
