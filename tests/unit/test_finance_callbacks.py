"""The finance bureau's callback as qsfund reads it: signed by the bureau, paid or failed
with a reason qsfund knows, whole yuan, a time with its zone; refused otherwise, naming
the field and the rule."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.payments.domain.callbacks import (
    FailedCallback,
    NotSigned,
    PaidCallback,
    read_callback,
)
from shared.rules.payments.errors import InvalidInput
from shared.signing import signatures

NOW = datetime(2027, 1, 6, 2, 15, 30, tzinfo=UTC)
SECRETS = ["bureau-secret-new-0123456789abcdef", "bureau-secret-old-0123456789abcdef"]
PAID = {
    "callback_id": "c-20270106-000123",
    "instruction_id": "6f1c2d9e-t1-a1",
    "status": "paid",
    "amount_yuan": 150000,
    "bank_reference": "CQTB20270106000123",
    "at": "2027-01-06T02:15:00Z",
}
FAILED = {
    "callback_id": "c-20270106-000124",
    "instruction_id": "6f1c2d9e-t2-a1",
    "status": "failed",
    "reason": "account_closed",
    "message": "收款账户已销户",
    "at": "2027-01-06T02:16:00Z",
}


def read(body: Any, *, secret: str = SECRETS[1], sent: datetime = NOW) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    stamp = int(sent.timestamp())
    return read_callback(raw, str(stamp), signatures([secret], stamp, raw), SECRETS, NOW)


def refusal(body: Any) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as refused:
        read(body)
    return refused.value.field, refused.value.rule


def test_a_signed_paid_and_a_signed_failed_callback_are_read() -> None:
    paid = read(PAID)
    assert isinstance(paid, PaidCallback)
    assert (paid.amount_yuan, paid.bank_reference) == (150000, "CQTB20270106000123")
    assert paid.at == datetime(2027, 1, 6, 2, 15, tzinfo=UTC)
    failed = read(FAILED, secret=SECRETS[0])
    assert isinstance(failed, FailedCallback)
    assert (failed.reason, failed.message) == ("account_closed", "收款账户已销户")


def test_an_unsigned_stale_or_foreign_callback_is_refused_before_its_body_is_read() -> None:
    raw = json.dumps(PAID).encode()
    with pytest.raises(NotSigned, match="not signed"):
        read_callback(raw, None, None, SECRETS, NOW)
    with pytest.raises(NotSigned, match="300 s"):
        read(PAID, sent=NOW - timedelta(seconds=301))
    with pytest.raises(NotSigned, match="no signature matches"):
        read(PAID, secret="qsfund-to-bureau-secret-0123456789ab")
    with pytest.raises(NotSigned):
        read(b"not even json", secret="someone-else-0123456789abcdef0123")


def test_a_reason_qsfund_does_not_know_is_refused_not_guessed_at() -> None:
    assert refusal(FAILED | {"reason": "account_suspended"}) == ("reason", "known_reason")
    assert refusal(PAID | {"status": "partly_paid"}) == ("status", "paid_or_failed")
    assert refusal({k: v for k, v in PAID.items() if k != "status"})[0] == "status"


def test_money_is_whole_yuan_and_time_carries_its_zone() -> None:
    assert refusal(PAID | {"amount_yuan": 150000.5})[0] == "amount_yuan"
    assert refusal(PAID | {"amount_yuan": "150000"})[0] == "amount_yuan"
    assert refusal(PAID | {"amount_yuan": 0})[0] == "amount_yuan"
    assert refusal(PAID | {"at": "2027-01-06T02:15:00"}) == ("at", "timezone_aware")


def test_a_field_the_contract_does_not_have_or_lacks_is_named() -> None:
    assert refusal(PAID | {"partial": True}) == ("partial", "extra_forbidden")
    assert refusal({k: v for k, v in PAID.items() if k != "bank_reference"}) == (
        "bank_reference",
        "missing",
    )
    assert refusal(b"[1, 2]")[0] == "body"
    assert refusal(b"{not json")[0] == "body"
