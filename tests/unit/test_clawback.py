"""Revoking a final award: unpaid instructions cancelled, paid money due back until
repaid, the three-year bar; and the sum paid never above the award, whatever the bureau
says in whatever order."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.payments.domain.account import payee
from shared.contracts.base import Contract
from shared.contracts.payments import (
    AwardRevoked,
    ClawbackSettled,
    PaymentFailed,
    RepaymentRecorded,
)
from shared.policy import PaymentTerms
from shared.program_bar import barred
from shared.rules.payments.errors import InvalidInput, NotAllowedNow, PaymentError
from shared.rules.payments.ledger import AwardLedger
from shared.rules.payments.tranches import plan

CODE = "91500112MA5U8X2K3Q"
AT = datetime(2027, 1, 6, 2, 15, tzinfo=UTC)
ACCOUNT = payee(CODE, "重庆某某科技有限公司", "310066726018800012345", "交通银行", "301653000015")
OTHER = payee(CODE, "重庆某某科技有限公司", "622202123456789012", "工商银行", "102653000015")
HALVES = PaymentTerms.model_validate(
    {"tranches": {"pilot_project": [{"share_percent": 50}, {"share_percent": 50}]}}
)


def two_tranches() -> AwardLedger:
    award = AwardLedger("app-1", "r", CODE, 300_000, plan(300_000, "pilot_project", HALVES))
    award.instruct_due(ACCOUNT)
    return award


def test_revocation_cancels_what_is_unpaid_and_makes_what_was_paid_due_back() -> None:
    award = two_tranches()
    award.paid("app-1-t1-a1", 150_000, "BANK-1", AT)
    [revoked] = award.revoke("false_materials", "渝质发2027-12号", AT)
    assert isinstance(revoked, AwardRevoked)
    assert (revoked.paid_yuan, revoked.cancelling) == (150_000, ["app-1-t2-a1"])
    with pytest.raises(NotAllowedNow, match="revoked"):
        award.instruct_due(ACCOUNT)
    with pytest.raises(NotAllowedNow, match="already revoked"):
        award.revoke("duplicate_funding", "x", AT)
    assert award.cancelled("app-1-t2-a1")
    assert award.cancelled("app-1-t2-a1") == []
    assert award.due_back_yuan == 150_000


def test_a_payment_landing_while_its_cancellation_was_asked_is_due_back_too() -> None:
    award = two_tranches()
    award.revoke("serious_dishonesty", "doc", AT)
    award.paid("app-1-t1-a1", 150_000, "BANK-1", AT)  # the bureau had paid first
    award.cancelled("app-1-t2-a1")
    assert award.due_back_yuan == 150_000
    assert not award.settled


def test_repayments_are_recorded_until_settled_never_above_what_is_due() -> None:
    award = two_tranches()
    award.paid("app-1-t1-a1", 150_000, "BANK-1", AT)
    award.paid("app-1-t2-a1", 150_000, "BANK-2", AT)
    award.revoke("false_materials", "doc", AT)
    with pytest.raises(InvalidInput) as refused:
        award.repaid(300_001, "R-1", AT)
    assert (refused.value.field, refused.value.rule) == ("amount_yuan", "not_above_due")
    [part] = award.repaid(100_000, "R-1", AT)
    assert isinstance(part, RepaymentRecorded)
    assert part.still_due_yuan == 200_000
    assert award.repaid(100_000, "R-1", AT) == []  # the same repayment recorded again
    _last, settled = award.repaid(200_000, "R-2", AT)  # exactly what is due
    assert isinstance(settled, ClawbackSettled)
    assert settled.repaid_yuan == 300_000
    assert award.due_back_yuan == 0
    assert award.settled


def test_the_last_live_instruction_failing_settles_a_revoked_award_with_nothing_paid() -> None:
    award = two_tranches()
    log = award.revoke("serious_dishonesty", "doc", AT)
    log += award.cancelled("app-1-t1-a1")
    assert not award.settled  # the second tranche is still with the bureau
    failure = award.failed("app-1-t2-a1", "bank_rejected", "", AT)  # it never paid
    assert [type(e) for e in failure] == [PaymentFailed, ClawbackSettled]
    assert award.settled
    assert award.due_back_yuan == 0
    # The log alone says it is settled, as the projection and the auditor read it.
    assert two_tranches().replay(log + failure).settled


def test_a_failure_on_an_award_not_revoked_settles_nothing() -> None:
    award = AwardLedger("app-1", "r", CODE, 300_000, plan(300_000, "standard", PaymentTerms()))
    award.instruct_due(ACCOUNT)
    [failure] = award.failed("app-1-t1-a1", "account_frozen", "账户冻结", AT)
    assert isinstance(failure, PaymentFailed)
    assert (failure.reason, failure.message) == ("account_frozen", "账户冻结")  # the bureau's words
    assert not award.settled


def test_a_revoked_award_with_nothing_paid_or_in_flight_is_settled_at_once() -> None:
    award = AwardLedger("app-1", "r", CODE, 300_000, plan(300_000, "standard", PaymentTerms()))
    _revoked, settled = award.revoke("duplicate_funding", "doc", AT)
    assert isinstance(settled, ClawbackSettled)
    assert settled.repaid_yuan == 0


def test_only_a_revoked_award_is_repaid() -> None:
    with pytest.raises(NotAllowedNow, match="only a revoked"):
        two_tranches().repaid(1, "R-1", AT)


def revocation(reason: str, at: datetime) -> AwardRevoked:
    return AwardRevoked.model_validate(
        {
            "application_id": "app-1",
            "credit_code": CODE,
            "reason": reason,
            "document_reference": "渝质发2027-12号",
            "revoked_at": at,
            "paid_yuan": 0,
            "cancelling": [],
        }
    )


BEIJING = timedelta(hours=8)


def test_false_materials_bar_the_enterprise_from_the_revocation_to_three_years_on() -> None:
    revoked_at = datetime(2027, 5, 10, 1, 0, tzinfo=UTC)  # 09:00 on 10 May, Beijing
    revocations = [revocation("false_materials", revoked_at)]
    assert barred(CODE, revocations, revoked_at - timedelta(microseconds=1)) is None
    bar = barred(CODE, revocations, revoked_at)
    assert bar is not None
    assert str(bar.last_day) == "2030-05-10"
    assert "false materials" in bar.reason()
    assert "2030-05-10" in bar.reason()
    last_moment = datetime(2030, 5, 11, tzinfo=UTC) - BEIJING - timedelta(microseconds=1)
    assert barred(CODE, revocations, last_moment) == bar
    assert barred(CODE, revocations, last_moment + timedelta(microseconds=1)) is None
    assert barred("91110108551385082Q", revocations, revoked_at) is None


def test_a_bar_from_29_february_ends_on_the_last_day_of_february() -> None:
    bar = barred(
        CODE,
        [revocation("false_materials", datetime(2028, 2, 29, 3, tzinfo=UTC))],
        AT.replace(year=2029),
    )
    assert bar is not None
    assert str(bar.last_day) == "2031-02-28"


@pytest.mark.parametrize("reason", ["duplicate_funding", "serious_dishonesty"])
def test_other_revocations_bar_nothing(reason: str) -> None:
    assert barred(CODE, [revocation(reason, AT)], AT + timedelta(days=1)) is None


INSTRUCTIONS = [f"app-1-t{t}-a{a}" for t in (1, 2) for a in (1, 2, 3)]
STEP = st.one_of(
    st.tuples(st.just("paid"), st.sampled_from(INSTRUCTIONS), st.sampled_from([150_000, 1])),
    st.tuples(
        st.just("failed"),
        st.sampled_from(INSTRUCTIONS),
        st.sampled_from(["account_closed", "bank_rejected"]),
    ),
    st.tuples(st.just("reissue"), st.sampled_from(INSTRUCTIONS), st.sampled_from([ACCOUNT, OTHER])),
    st.tuples(st.just("accepted"), st.sampled_from(INSTRUCTIONS), st.just("FB")),
    st.tuples(st.just("revoke"), st.just(""), st.just("")),
    st.tuples(st.just("cancelled"), st.sampled_from(INSTRUCTIONS), st.just("")),
)


@given(st.lists(STEP, max_size=40))
def test_the_sum_paid_never_exceeds_the_award_whatever_the_bureau_says(
    steps: list[tuple[str, str, Any]],
) -> None:
    award = two_tranches()
    recorded: list[Contract] = []
    for kind, instruction, value in steps:
        try:
            if kind == "paid":
                recorded += award.paid(instruction, value, f"BANK-{instruction}", AT)
            elif kind == "failed":
                recorded += award.failed(instruction, value, "", AT)
            elif kind == "reissue":
                recorded += award.reissue(instruction, value)
            elif kind == "accepted":
                recorded += award.accepted(instruction, "FB")
            elif kind == "revoke":
                recorded += award.revoke("false_materials", "doc", AT)
            else:
                recorded += award.cancelled(instruction)
        except PaymentError:
            pass  # refused, and nothing recorded: the property is about what is accepted
        paid = [i for i in award.instructions.values() if i.status == "paid"]
        assert sum(i.amount_yuan for i in paid) <= award.final_award_yuan
        assert len({i.tranche for i in paid}) == len(paid)  # one payment per tranche
    # The log alone rebuilds the same ledger, as the projection and the auditor will.
    rebuilt = two_tranches().replay(recorded)
    assert rebuilt == award
