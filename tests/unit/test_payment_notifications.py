"""What an applicant and their platform are told of the award's money: what was paid,
what failed and what to do, a revocation and what it costs; never the account number."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest

from services.notifications.domain.messages import Message
from services.notifications.domain.payment_messages import (
    FAILURES,
    Tranche,
    payment_message_for,
    tranche_of,
)
from services.notifications.domain.webhook import EVENT_TYPES
from shared.contracts import Contract
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
from shared.contracts.registry import REGISTRY
from tests.support.events import VALID_CREDIT_CODES

APP = "app-7"
CODE = VALID_CREDIT_CODES[0]
ACCOUNT = "310066726018800012345"
AT = datetime(2026, 4, 1, 2, tzinfo=UTC)


def instructed(tranche: int = 1, tranches: int = 2, amount: int = 150_000) -> PaymentInstructed:
    return PaymentInstructed(
        application_id=APP,
        instruction_id=f"{APP}-t{tranche}-a1",
        round_id="round-1",
        tranche=tranche,
        tranches=tranches,
        amount_yuan=amount,
        final_award_yuan=300_000,
        payee=PayeeAccount(
            credit_code=CODE,
            account_name="重庆某某科技有限公司",
            account_number=ACCOUNT,
            bank_name="交通银行重庆渝北支行",
            cnaps_code="301653000015",
        ),
    )


def paid(amount: int = 150_000, instruction: str = f"{APP}-t1-a1") -> PaymentSucceeded:
    return PaymentSucceeded(
        application_id=APP,
        instruction_id=instruction,
        amount_yuan=amount,
        bank_reference="BOC20260401-88123",
        paid_at=AT,
    )


def failed(reason: FailureReason = "account_closed") -> PaymentFailed:
    return PaymentFailed(
        application_id=APP,
        instruction_id=f"{APP}-t1-a1",
        reason=reason,
        message=f"收款账户 {ACCOUNT} 已销户",
        failed_at=AT,
    )


def revoked(
    reason: str = "false_materials", paid_yuan: int = 150_000, at: datetime = AT
) -> AwardRevoked:
    return AwardRevoked.model_validate(
        {
            "application_id": APP,
            "credit_code": CODE,
            "reason": reason,
            "document_reference": "渝质监[2026]12号",
            "revoked_at": at,
            "paid_yuan": paid_yuan,
            "cancelling": [f"{APP}-t2-a1"] if paid_yuan else [],
        }
    )


def told(event: Contract, tranche: Tranche | None = None) -> Message:
    message = payment_message_for(event, tranche)
    assert message is not None
    # Not the number, nor more of it than its last four digits.
    assert ACCOUNT[-5:] not in message.subject + message.summary
    return message


def test_a_payment_says_how_much_which_tranche_which_account_and_the_bank_reference() -> None:
    message = told(paid(), tranche_of(instructed()))
    assert message.subject == f"Award of application {APP}: 150000 yuan paid"
    assert message.summary == (
        "The finance bureau paid 150000 yuan, tranche 1 of 2 of your award, into the account "
        "ending 2345 on 2026-04-01 (Beijing time); bank reference BOC20260401-88123."
    )


def test_a_single_tranche_is_the_award_and_the_day_is_beijings() -> None:
    late = paid(300_000).model_copy(update={"paid_at": datetime(2026, 3, 31, 17, tzinfo=UTC)})
    summary = told(late, tranche_of(instructed(1, 1, 300_000))).summary
    assert "300000 yuan, your award, into the account ending 2345" in summary
    assert "on 2026-04-01 (Beijing time)" in summary, "17:00 UTC is the next day in Beijing"


def test_a_payment_whose_instruction_is_unknown_is_still_told() -> None:
    summary = told(paid()).summary
    assert "150000 yuan, a payment of your award, into your account" in summary
    assert "BOC20260401-88123" in summary


def test_a_failure_says_why_in_plain_words_and_how_to_put_it_right() -> None:
    message = told(failed("account_closed"), tranche_of(instructed(2)))
    assert message.subject == f"Payment of application {APP}'s award failed: the account is closed"
    assert message.summary == (
        "The finance bureau could not pay tranche 2 of 2 of your award of 150000 yuan into "
        "the account ending 2345: the account is closed (account_closed). Nothing was paid. "
        "What to do: register a corrected account (another number or name) with "
        f"PUT /v1/awards/{APP}/payee on the payments API; the payment is then made to it."
    )
    assert "销户" not in message.summary, "the bureau's own words may quote the account"


@pytest.mark.parametrize("reason", get_args(FailureReason))
def test_every_failure_reason_has_its_words_and_the_way_to_a_corrected_account(
    reason: FailureReason,
) -> None:
    summary = told(failed(reason), tranche_of(instructed())).summary
    assert f"{FAILURES[reason]} ({reason})" in summary
    assert f"PUT /v1/awards/{APP}/payee on the payments API" in summary
    # Only a refusal by the bank, not of the account, may be paid to the same account again.
    assert ("register the account again" in summary) == (reason == "bank_rejected")


def test_a_revocation_for_false_materials_says_what_is_due_back_and_the_three_year_bar() -> None:
    message = told(revoked())
    assert message.subject == f"Award of application {APP} revoked: false materials"
    assert message.summary == (
        "The award was revoked for false materials (document 渝质监[2026]12号). The 150000 "
        "yuan paid on it is due back to the district finance bureau. Payments not yet made "
        f"are cancelled. Revoked for false materials, your enterprise ({CODE}) is barred "
        "from the program for three years, to 2029-04-01 inclusive (Beijing time): "
        "applications filed before then are refused."
    )


def test_the_bar_counts_from_the_day_of_revocation_in_beijing() -> None:
    # 16:30 UTC on 31 March is 00:30 on 1 April in Beijing.
    summary = told(revoked(at=datetime(2026, 3, 31, 16, 30, tzinfo=UTC))).summary
    assert "to 2029-04-01 inclusive" in summary


@pytest.mark.parametrize("reason", ["duplicate_funding", "serious_dishonesty"])
def test_other_revocations_bar_nothing(reason: str) -> None:
    summary = told(revoked(reason, paid_yuan=0)).summary
    assert "Nothing had been paid on it: nothing is due back." in summary
    assert "barred" not in summary
    assert "cancelled" not in summary


def test_a_settled_clawback_says_all_is_repaid() -> None:
    message = told(ClawbackSettled(application_id=APP, repaid_yuan=150_000))
    assert message.subject == f"Award of application {APP}: clawback settled"
    assert "150000 yuan due back on the revoked award has been repaid" in message.summary


@pytest.mark.parametrize(
    "event",
    [
        instructed(),
        PaymentAccepted(application_id=APP, instruction_id="i", bureau_reference="F-1"),
        MilestoneReached(application_id=APP, milestone="acceptance", document_reference="d"),
        InstructionCancelled(application_id=APP, instruction_id="i"),
        RepaymentRecorded(
            application_id=APP, amount_yuan=1, reference="r", received_at=AT, still_due_yuan=9
        ),
    ],
)
def test_the_other_payment_events_tell_nobody(event: Contract) -> None:
    assert payment_message_for(event, tranche_of(instructed())) is None


def test_a_tranche_keeps_only_the_last_four_digits() -> None:
    kept = tranche_of(instructed())
    assert kept.account_last_four == "2345"
    assert ACCOUNT not in repr(kept)


def test_a_platform_may_register_for_each_told_payment_event_and_no_other() -> None:
    payment_types = {c.event_type for c in REGISTRY.values() if c.aggregate_type == "award"}
    registrable = payment_types & set(EVENT_TYPES)
    assert registrable == {"PaymentSucceeded", "PaymentFailed", "AwardRevoked", "ClawbackSettled"}
