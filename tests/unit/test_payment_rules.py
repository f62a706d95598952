"""The rules that move an award's money: tranches, account form, one payment per
tranche whatever the bureau repeats, and never above the final award."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.payments.domain.account import account_number, payee
from shared.contracts.payments import PaymentInstructed, PaymentSucceeded
from shared.policy import PaymentTerms, policy_version
from shared.rules.payments.errors import Conflicting, InvalidInput, NotAllowedNow
from shared.rules.payments.ledger import AwardLedger
from shared.rules.payments.tranches import plan

CODE = "91500112MA5U8X2K3Q"
DOC = "渝质验[2027]3号"
AT = datetime(2027, 1, 6, 2, 15, tzinfo=UTC)
HALVES = PaymentTerms.model_validate(
    {
        "tranches": {
            "pilot_project": [
                {"share_percent": 50},
                {"share_percent": 50, "on": "milestone", "milestone": "acceptance"},
            ]
        }
    }
)
ACCOUNT = payee(
    CODE, "重庆某某科技有限公司", "6222 0212 3456 7890 12", "交通银行渝北支行", "301653000015"
)
CORRECTED = payee(
    CODE, "重庆某某科技有限公司", "310066726018800012345", "交通银行渝北支行", "301653000015"
)


def ledger(amount: int = 300_000, terms: PaymentTerms | None = None) -> AwardLedger:
    return AwardLedger(
        "app-1", "round-1", CODE, amount, plan(amount, "pilot_project", terms or PaymentTerms())
    )


def test_existing_policies_pay_in_one_tranche_and_keep_their_digest() -> None:
    for version in ("2026.1", "2026.2"):
        assert policy_version(version).payment == PaymentTerms()
    assert plan(300_000, "pilot_project", PaymentTerms())[0].amount_yuan == 300_000


def test_tranches_add_up_to_exactly_the_award_the_last_taking_the_odd_yuan() -> None:
    first, second = plan(300_001, "pilot_project", HALVES)
    assert (first.amount_yuan, first.milestone) == (150_000, None)
    assert (second.amount_yuan, second.milestone) == (150_001, "acceptance")
    assert [t.number for t in plan(1, "pilot_project", HALVES)] == [1]  # no zero instruction
    assert len(plan(300_000, "standard", HALVES)) == 1  # another category: one tranche


def test_a_policy_whose_shares_are_not_the_whole_is_refused() -> None:
    with pytest.raises(ValidationError, match="add up to 90%"):
        PaymentTerms.model_validate({"tranches": {"standard": [{"share_percent": 90}]}})
    with pytest.raises(ValidationError, match="names it"):
        PaymentTerms.model_validate(
            {"tranches": {"standard": [{"share_percent": 100, "on": "milestone"}]}}
        )


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("12345678", "length"),
        ("1" * 31, "length"),
        ("6222-0212-3456", "digits"),
        ("\uff16" * 9, "digits"),  # full-width digits, as an input method types them,
    ],
)
def test_an_account_number_is_9_to_30_digits(written: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        account_number(written)
    assert (refused.value.field, refused.value.rule) == ("payee.account_number", rule)


def test_the_account_number_bounds_are_accepted_and_spaces_dropped() -> None:
    assert account_number("123456789") == "123456789"
    assert account_number("1" * 30) == "1" * 30
    assert ACCOUNT.account_number == "622202123456789012"
    with pytest.raises(InvalidInput, match="CNAPS"):
        payee(CODE, "x", "123456789", "bank", "30165300001")


def test_a_second_tranche_waits_for_its_milestone_and_each_is_instructed_once() -> None:
    award = ledger(terms=HALVES)
    [first] = award.instruct_due(ACCOUNT)
    assert isinstance(first, PaymentInstructed)
    assert (first.instruction_id, first.amount_yuan, first.tranches) == ("app-1-t1-a1", 150_000, 2)
    assert award.instruct_due(ACCOUNT) == []
    with pytest.raises(InvalidInput, match="no tranche"):
        award.reach_milestone("audit", "doc-1")
    assert len(award.reach_milestone("acceptance", DOC)) == 1
    assert award.reach_milestone("acceptance", DOC) == []
    [second] = award.instruct_due(ACCOUNT)
    assert isinstance(second, PaymentInstructed)
    assert (second.instruction_id, second.amount_yuan) == ("app-1-t2-a1", 150_000)


def test_an_award_is_paid_only_to_the_enterprise_awarded() -> None:
    other = payee("91110108551385082Q", "other", "123456789", "bank", "301653000015")
    with pytest.raises(InvalidInput) as refused:
        ledger().instruct_due(other)
    assert refused.value.rule == "the_awardee"


def test_the_exact_award_is_paid_and_a_duplicate_callback_changes_nothing() -> None:
    award = ledger()
    award.instruct_due(ACCOUNT)
    assert award.accepted("app-1-t1-a1", "FB-1") != []
    [paid] = award.paid("app-1-t1-a1", 300_000, "BANK-1", AT)
    assert isinstance(paid, PaymentSucceeded)
    assert award.paid("app-1-t1-a1", 300_000, "BANK-1", AT) == []
    assert award.accepted("app-1-t1-a1", "FB-1") == []  # a late acceptance
    assert award.paid_yuan == 300_000 == award.final_award_yuan


@pytest.mark.parametrize(
    ("amount", "reference", "rule"),
    [(300_000, "BANK-2", "outcome_final"), (299_999, "BANK-1", "amount_instructed")],
)
def test_a_callback_contradicting_a_payment_is_refused(
    amount: int, reference: str, rule: str
) -> None:
    award = ledger()
    award.instruct_due(ACCOUNT)
    award.paid("app-1-t1-a1", 300_000, "BANK-1", AT)
    with pytest.raises(Conflicting) as refused:
        award.paid("app-1-t1-a1", amount, reference, AT)
    assert refused.value.rule == rule
    with pytest.raises(Conflicting):
        award.failed("app-1-t1-a1", "account_closed", "", AT)
    assert award.paid_yuan == 300_000


def test_a_failed_payment_is_reissued_to_a_corrected_account_and_a_late_callback_is_ignored() -> (
    None
):
    award = ledger()
    award.instruct_due(ACCOUNT)
    award.failed("app-1-t1-a1", "account_closed", "收款账户已销户", AT)
    with pytest.raises(InvalidInput) as refused:
        award.reissue("app-1-t1-a1", ACCOUNT)
    assert refused.value.rule == "account_corrected"
    [again] = award.reissue("app-1-t1-a1", CORRECTED)
    assert isinstance(again, PaymentInstructed)
    assert (again.instruction_id, again.reissue_of) == ("app-1-t1-a2", "app-1-t1-a1")
    with pytest.raises(NotAllowedNow, match="paid or being paid"):
        award.reissue("app-1-t1-a1", CORRECTED)
    assert award.failed("app-1-t1-a1", "account_closed", "again", AT) == []  # late, repeated
    with pytest.raises(Conflicting):
        award.paid("app-1-t1-a1", 300_000, "BANK-LATE", AT)  # the old one never pays
    award.paid("app-1-t1-a2", 300_000, "BANK-2", AT)
    assert award.paid_yuan == 300_000


def test_a_bank_rejection_may_be_reissued_to_the_same_account() -> None:
    award = ledger()
    award.instruct_due(ACCOUNT)
    award.failed("app-1-t1-a1", "bank_rejected", "", AT)
    assert len(award.reissue("app-1-t1-a1", ACCOUNT)) == 1


def test_a_failed_tranche_awaits_reissue_until_another_instruction_pays_it() -> None:
    award = ledger(terms=HALVES)
    award.instruct_due(ACCOUNT)
    award.reach_milestone("acceptance", DOC)
    award.instruct_due(ACCOUNT)

    def awaiting() -> list[str]:
        return sorted(i.id for i in award.awaiting_reissue())

    assert awaiting() == []  # both with the bureau
    award.failed("app-1-t1-a1", "account_closed", "", AT)
    award.failed("app-1-t2-a1", "bank_rejected", "", AT)
    assert awaiting() == ["app-1-t1-a1", "app-1-t2-a1"]
    award.reissue("app-1-t1-a1", CORRECTED)
    assert awaiting() == ["app-1-t2-a1"]  # the first tranche is being paid again
    award.failed("app-1-t1-a2", "bank_rejected", "", AT)
    assert awaiting() == ["app-1-t1-a2", "app-1-t2-a1"]  # only the latest of each tranche
