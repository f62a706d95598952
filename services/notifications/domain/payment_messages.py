"""What an applicant (and the platform that filed) is told of their award's money: a
payment made or failed, the award revoked, the clawback settled. No I/O.

A payee's account number is never told, not even to its owner: a notification is an
email anyone on its path may read. At most its last four digits, which the payee
recognises and nobody can pay or debit with.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts import Contract
from shared.contracts.payments import (
    AwardRevoked,
    ClawbackSettled,
    FailureReason,
    PaymentFailed,
    PaymentInstructed,
    PaymentSucceeded,
    RevocationReason,
)
from shared.program_bar import BEIJING, bar_of

from .messages import Message

# The payments API's route an enterprise (or its platform) registers a payee account with.
PAYEE_ROUTE = "PUT /v1/awards/{application_id}/payee"

FAILURES: dict[FailureReason, str] = {
    "account_closed": "the account is closed",
    "account_not_found": "the bank has no such account",
    "account_frozen": "the account is frozen",
    "name_mismatch": "the account name does not match the account",
    "invalid_account": "the account number or bank code is not valid",
    "bank_rejected": "the receiving bank refused the payment",
}
REVOCATIONS: dict[RevocationReason, str] = {
    "false_materials": "false materials",
    "duplicate_funding": "duplicate funding",
    "serious_dishonesty": "listing as a seriously dishonest enterprise",
}


@dataclass(frozen=True)
class Tranche:
    """What the notifications service keeps of a payment instruction, to tell of its
    outcome (which names only the instruction): never the account number."""

    instruction_id: str
    application_id: str
    tranche: int
    tranches: int
    amount_yuan: int
    account_last_four: str


def tranche_of(event: PaymentInstructed) -> Tranche:
    return Tranche(
        instruction_id=event.instruction_id,
        application_id=event.application_id,
        tranche=event.tranche,
        tranches=event.tranches,
        amount_yuan=event.amount_yuan,
        account_last_four=event.payee.account_number[-4:],
    )


def payment_message_for(event: Contract, tranche: Tranche | None = None) -> Message | None:
    """The message for a payment event the applicant should know about; None otherwise
    (instructed, accepted, milestone, cancelled, repayment). `tranche`: the instruction a
    PaymentSucceeded or PaymentFailed answers, when it is known."""
    if isinstance(event, PaymentSucceeded):
        return _paid(event, tranche)
    if isinstance(event, PaymentFailed):
        return _failed(event, tranche)
    if isinstance(event, AwardRevoked):
        return _revoked(event)
    if isinstance(event, ClawbackSettled):
        return Message(
            f"Award of application {event.application_id}: clawback settled",
            f"The {event.repaid_yuan} yuan due back on the revoked award has been repaid; "
            "nothing more is due.",
        )
    return None


def _which(tranche: Tranche | None) -> str:
    if tranche is None:
        return "a payment of your award"
    if tranche.tranches == 1:
        return "your award"
    return f"tranche {tranche.tranche} of {tranche.tranches} of your award"


def _account(tranche: Tranche | None) -> str:
    return f"the account ending {tranche.account_last_four}" if tranche else "your account"


def _paid(event: PaymentSucceeded, tranche: Tranche | None) -> Message:
    day = event.paid_at.astimezone(BEIJING).date()
    return Message(
        f"Award of application {event.application_id}: {event.amount_yuan} yuan paid",
        f"The finance bureau paid {event.amount_yuan} yuan, {_which(tranche)}, into "
        f"{_account(tranche)} on {day} (Beijing time); bank reference {event.bank_reference}.",
    )


def _failed(event: PaymentFailed, tranche: Tranche | None) -> Message:
    amount = f" of {tranche.amount_yuan} yuan" if tranche else ""
    route = PAYEE_ROUTE.format(application_id=event.application_id)
    # The same account may be tried again only when the bank, not the account, refused.
    remedy = (
        "register the account again, or another"
        if event.reason == "bank_rejected"
        else "register a corrected account (another number or name)"
    )
    return Message(
        f"Payment of application {event.application_id}'s award failed: {FAILURES[event.reason]}",
        f"The finance bureau could not pay {_which(tranche)}{amount} into "
        f"{_account(tranche)}: {FAILURES[event.reason]} ({event.reason}). Nothing was paid. "
        f"What to do: {remedy} with {route} on the payments API; the payment is then "
        "made to it.",
    )


def _revoked(event: AwardRevoked) -> Message:
    reason = REVOCATIONS[event.reason]
    due = (
        f"The {event.paid_yuan} yuan paid on it is due back to the district finance bureau."
        if event.paid_yuan
        else "Nothing had been paid on it: nothing is due back."
    )
    cancelled = " Payments not yet made are cancelled." if event.cancelling else ""
    bar = bar_of(event)
    barred = (
        f" Revoked for false materials, your enterprise ({event.credit_code}) is barred from "
        f"the program for three years, to {bar.last_day} inclusive (Beijing time): "
        "applications filed before then are refused."
        if bar
        else ""
    )
    return Message(
        f"Award of application {event.application_id} revoked: {reason}",
        f"The award was revoked for {reason} (document {event.document_reference}). "
        f"{due}{cancelled}{barred}",
    )
