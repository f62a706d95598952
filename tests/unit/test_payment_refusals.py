"""Every refusal of the payment ledger names the field and the rule and says why in the
words a person reads: the HTTP problem, the bureau call parked for reconciliation and the
auditor's finding all show field, rule and message as the ledger gives them. A refused
command records nothing."""

import copy
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from services.payments.domain.account import payee
from shared.contracts.payments import PaymentInstructed
from shared.policy import PaymentTerms
from shared.rules.payments.errors import Conflicting, InvalidInput, NotAllowedNow, PaymentError
from shared.rules.payments.ledger import AwardLedger, instruction_id
from shared.rules.payments.tranches import plan

CODE = "91500112MA5U8X2K3Q"
AT = datetime(2027, 1, 6, 2, 15, tzinfo=UTC)
ACCOUNT = payee(CODE, "重庆某某科技有限公司", "622202123456789012", "工商银行", "102653000015")
CORRECTED = payee(CODE, "重庆某某科技有限公司", "310066726018800012345", "交通银行", "301653000015")
ANOTHER_FIRM = payee("91110108551385082Q", "北京某某公司", "123456789", "银行", "301653000015")
# 300,000 yuan in two tranches of 150,000, the second once the project is accepted.
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
T1, T2 = instruction_id("app-1", 1, 1), instruction_id("app-1", 2, 1)


def awarded() -> AwardLedger:
    return AwardLedger("app-1", "round-1", CODE, 300_000, plan(300_000, "pilot_project", HALVES))


def instructed() -> AwardLedger:
    award = awarded()
    award.instruct_due(ACCOUNT)
    return award


def failed_closed() -> AwardLedger:
    award = instructed()
    award.failed(T1, "account_closed", "收款账户已销户", AT)
    return award


def reissued() -> AwardLedger:
    award = failed_closed()
    award.reissue(T1, CORRECTED)
    return award


def paid_on_reissue() -> AwardLedger:
    award = reissued()
    award.paid("app-1-t1-a2", 150_000, "BANK-2", AT)
    return award


def revoked_after_failing() -> AwardLedger:
    award = failed_closed()
    award.revoke("false_materials", "doc", AT)
    return award


def paid_first() -> AwardLedger:
    award = instructed()
    award.paid(T1, 150_000, "BANK-1", AT)
    return award


def revoked_after_paying() -> AwardLedger:
    award = paid_first()
    award.revoke("false_materials", "渝质发2027-12号", AT)
    return award


def partly_repaid() -> AwardLedger:
    award = revoked_after_paying()
    award.repaid(100_000, "R-1", AT)
    return award


def logged(tranche: int, attempt: int, amount: int, reissue_of: str | None) -> PaymentInstructed:
    """An instruction as a log may hold it, whether or not the ledger would have made it:
    the auditor's ledger takes every recorded event and judges what follows by it."""
    return PaymentInstructed(
        application_id="app-1",
        instruction_id=instruction_id("app-1", tranche, attempt),
        round_id="round-1",
        tranche=tranche,
        tranches=2,
        amount_yuan=amount,
        final_award_yuan=300_000,
        payee=ACCOUNT,
        reissue_of=reissue_of,
    )


def logged_twice_for_one_tranche() -> AwardLedger:
    """Both tranches paid, and a second instruction of the first, never failed, live."""
    award = instructed()
    award.reach_milestone("acceptance", "渝质验[2027]3号")
    award.instruct_due(ACCOUNT)
    award.replay([logged(1, 2, 150_000, reissue_of=T1)])
    award.paid(T1, 150_000, "BANK-1", AT)
    award.paid(T2, 150_000, "BANK-2", AT)
    return award


def logged_above_its_tranche() -> AwardLedger:
    """The second tranche instructed for 200,000 where the plan says 150,000; the first failed."""
    award = instructed()
    award.replay([logged(2, 1, 200_000, reissue_of=None)])
    award.failed(T1, "bank_rejected", "", AT)
    return award


Refusal = tuple[type[PaymentError], str, str, str]
CASES: dict[str, tuple[Callable[[], AwardLedger], Callable[[AwardLedger], object], Refusal]] = {
    "paying another enterprise": (
        awarded,
        lambda a: a.instruct_due(ANOTHER_FIRM),
        (
            InvalidInput,
            "payee.credit_code",
            "the_awardee",
            "an award is paid only to the enterprise awarded",
        ),
    ),
    "an outcome of an instruction never made": (
        instructed,
        lambda a: a.paid("app-1-t9-a1", 150_000, "BANK-9", AT),
        (InvalidInput, "instruction_id", "known", "no instruction 'app-1-t9-a1' on this award"),
    ),
    "a milestone no tranche waits for": (
        instructed,
        lambda a: a.reach_milestone("audit", "doc"),
        (InvalidInput, "milestone", "in_plan", "no tranche of this award waits for 'audit'"),
    ),
    "paying a revoked award": (
        revoked_after_paying,
        lambda a: a.instruct_due(ACCOUNT),
        (NotAllowedNow, "application_id", "not_revoked", "the award was revoked"),
    ),
    "revoking it again": (
        revoked_after_paying,
        lambda a: a.revoke("duplicate_funding", "doc", AT),
        (NotAllowedNow, "application_id", "not_revoked", "the award is already revoked"),
    ),
    "reissuing an instruction not failed": (
        instructed,
        lambda a: a.reissue(T1, CORRECTED),
        (
            NotAllowedNow,
            "instruction_id",
            "failed",
            "only a failed instruction is reissued, not instructed",
        ),
    ),
    "reissuing a tranche being paid": (
        reissued,
        lambda a: a.reissue(T1, CORRECTED),
        (
            NotAllowedNow,
            "instruction_id",
            "one_live_per_tranche",
            "this tranche is paid or being paid",
        ),
    ),
    "reissuing a tranche since paid": (
        paid_on_reissue,
        lambda a: a.reissue(T1, CORRECTED),
        (
            NotAllowedNow,
            "instruction_id",
            "one_live_per_tranche",
            "this tranche is paid or being paid",
        ),
    ),
    "reissuing to the account that was closed": (
        failed_closed,
        lambda a: a.reissue(T1, ACCOUNT),
        (
            InvalidInput,
            "payee",
            "account_corrected",
            "it failed as account_closed: give another account",
        ),
    ),
    "paid another amount than instructed": (
        instructed,
        lambda a: a.paid(T1, 149_999, "BANK-1", AT),
        (
            Conflicting,
            "amount_yuan",
            "amount_instructed",
            "paid 149999 yuan on an instruction of 150000",
        ),
    ),
    "paid after it failed": (
        failed_closed,
        lambda a: a.paid(T1, 150_000, "BANK-1", AT),
        (Conflicting, "status", "outcome_final", "the instruction is already failed"),
    ),
    "failed after it was paid": (
        paid_first,
        lambda a: a.failed(T1, "account_frozen", "", AT),
        (Conflicting, "status", "outcome_final", "the instruction is already paid"),
    ),
    "failed again for another reason": (
        failed_closed,
        lambda a: a.failed(T1, "bank_rejected", "", AT),
        (Conflicting, "status", "outcome_final", "the instruction is already failed"),
    ),
    "paying a tranche twice above the award": (
        logged_twice_for_one_tranche,
        lambda a: a.paid("app-1-t1-a2", 150_000, "BANK-3", AT),
        (Conflicting, "amount_yuan", "within_award", "this would pay above the award"),
    ),
    "reissuing above the award": (
        logged_above_its_tranche,
        lambda a: a.reissue(T1, ACCOUNT),
        (NotAllowedNow, "amount_yuan", "within_award", "this would pay above the award"),
    ),
    "cancelling on an award not revoked": (
        instructed,
        lambda a: a.cancelled(T1),
        (
            Conflicting,
            "status",
            "cancellable",
            "the instruction is instructed, the award not revoked",
        ),
    ),
    "cancelling a failed instruction of a revoked award": (
        revoked_after_failing,
        lambda a: a.cancelled(T1),
        (Conflicting, "status", "cancellable", "the instruction is failed, the award revoked"),
    ),
    "repaying an award not revoked": (
        paid_first,
        lambda a: a.repaid(1, "R-1", AT),
        (NotAllowedNow, "application_id", "revoked", "only a revoked award is repaid"),
    ),
    "repaying more than is due": (
        revoked_after_paying,
        lambda a: a.repaid(150_001, "R-1", AT),
        (InvalidInput, "amount_yuan", "not_above_due", "only 150000 yuan is due back"),
    ),
    "a repayment's reference again with another amount": (
        partly_repaid,
        lambda a: a.repaid(50_000, "R-1", AT),
        (
            NotAllowedNow,
            "reference",
            "one_amount",
            "this reference was recorded with another amount",
        ),
    ),
}


@pytest.mark.parametrize(("state", "command", "expected"), CASES.values(), ids=CASES.keys())
def test_a_refusal_names_its_field_and_rule_says_why_and_records_nothing(
    state: Callable[[], AwardLedger],
    command: Callable[[AwardLedger], object],
    expected: Refusal,
) -> None:
    award = state()
    before = copy.deepcopy(award)
    with pytest.raises(PaymentError) as refused:
        command(award)
    error = refused.value
    assert (type(error), error.field, error.rule, error.message) == expected
    assert str(error) == error.message
    assert award == before
