"""What the payments API answers: an award's payments as its payee, an officer and an
auditor see them, and a round's in sum. Account numbers show their last four digits:
the full number is in the payments log, for those who audit it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class InstructionView(BaseModel):
    instruction_id: str
    tranche: int
    amount_yuan: int
    status: str
    account: str
    reissue_of: str | None
    bank_reference: str | None
    failure_reason: str | None
    failure_message: str | None
    instructed_at: datetime
    settled_at: datetime | None


class RevocationView(BaseModel):
    reason: str
    document_reference: str
    revoked_at: datetime


class AwardView(BaseModel):
    application_id: str
    round_id: str
    credit_code: str
    # awarded (not yet final), final, paying, paid, revoked, settled; withdrawn
    stage: str
    final_award_yuan: int | None
    paid_yuan: int
    due_back_yuan: int
    repaid_yuan: int
    payee_registered: bool
    milestones: list[str]
    instructions: list[InstructionView]
    revocation: RevocationView | None


class RoundPaymentsView(BaseModel):
    round_id: str
    awards: int
    final_award_yuan: int
    paid_yuan: int
    due_back_yuan: int
    repaid_yuan: int
    by_stage: dict[str, int]
    awaiting_account: list[str]
    # Calls to the bureau that need a person (retries ran out, signature refused).
    parked_calls: list[str]


def masked(account_number: str) -> str:
    return f"****{account_number[-4:]}"


def instruction_view(row: Any) -> InstructionView:
    return InstructionView(
        instruction_id=row["instruction_id"],
        tranche=row["tranche"],
        amount_yuan=row["amount_yuan"],
        status=row["status"],
        account=masked(row["account_number"]),
        reissue_of=row["reissue_of"],
        bank_reference=row["bank_reference"],
        failure_reason=row["failure_reason"],
        failure_message=row["failure_message"],
        instructed_at=row["instructed_at"],
        settled_at=row["settled_at"],
    )


def award_view(row: Any, instructions: list[Any], payee_registered: bool) -> AwardView:
    revocation = None
    if row["revoked_at"] is not None:
        revocation = RevocationView(
            reason=row["revocation_reason"],
            document_reference=row["revocation_reference"],
            revoked_at=row["revoked_at"],
        )
    return AwardView(
        application_id=row["application_id"],
        round_id=row["round_id"],
        credit_code=row["credit_code"],
        stage=row["stage"],
        final_award_yuan=row["final_award_yuan"],
        paid_yuan=row["paid_yuan"],
        due_back_yuan=row["due_back_yuan"],
        repaid_yuan=row["repaid_yuan"],
        payee_registered=payee_registered,
        milestones=[m for m in row["milestones"].split("\n") if m],
        instructions=[instruction_view(i) for i in instructions],
        revocation=revocation,
    )


def round_view(
    round_id: str,
    rows: list[Any],
    registered: set[str],
    calls: list[Any],
) -> RoundPaymentsView:
    by_stage: dict[str, int] = {}
    for row in rows:
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + 1
    final = [row for row in rows if row["final_award_yuan"] is not None]
    return RoundPaymentsView(
        round_id=round_id,
        awards=len(final),
        final_award_yuan=sum(row["final_award_yuan"] for row in final),
        paid_yuan=sum(row["paid_yuan"] for row in rows),
        due_back_yuan=sum(row["due_back_yuan"] for row in rows),
        repaid_yuan=sum(row["repaid_yuan"] for row in rows),
        by_stage=by_stage,
        awaiting_account=sorted(
            row["application_id"]
            for row in final
            if row["application_id"] not in registered and row["revoked_at"] is None
        ),
        parked_calls=sorted(
            f"{call['kind']} {call['instruction_id']}: {call['last_error']}"
            for call in calls
            if call["parked_at"] is not None
        ),
    )


class BureauCallView(BaseModel):
    instruction_id: str
    kind: str  # instruct, cancel
    application_id: str
    attempts: int
    first_tried_at: datetime | None
    parked_at: datetime | None
    last_error: str | None


class ReconciledView(BaseModel):
    instruction_id: str
    # What the bureau holds: accepted, paid, failed, cancelled, or not_received.
    bureau_state: str
    # What qsfund did: the outcome recorded, the call sent again, or nothing to do.
    action: str
    calls: list[BureauCallView]


def bureau_call_view(row: Any) -> BureauCallView:
    return BureauCallView(**{name: row[name] for name in BureauCallView.model_fields})
