"""The form of a payee's bank account: what can be checked before the bank sees it.

Chinese account numbers have no single public form. Personal debit cards are 16 to 19
digits with a Luhn check digit, but corporate settlement accounts (对公账户), which
enterprises are paid into, run from about 9 to 30 digits by bank and carry no checksum a
third party can verify: a Luhn check would refuse real accounts. So the number is held
to digits and length only; whether it exists, is open and bears the enterprise's name
only the banks know, and they say so as a failure (account_not_found, name_mismatch).
The receiving branch is named by its 12-digit CNAPS code (大额支付系统行号), which the
bureau needs to route an interbank transfer.
"""

from __future__ import annotations

import re

from shared.contracts.payments import PayeeAccount
from shared.rules.payments.errors import InvalidInput

MIN_DIGITS, MAX_DIGITS = 9, 30


def account_number(written: str) -> str:
    """The account number as digits; spaces between groups, as it is often written, go."""
    digits = written.replace(" ", "")
    if not re.fullmatch(r"[0-9]*", digits):
        raise InvalidInput(
            "payee.account_number", "digits", "an account number is digits only (spaces allowed)"
        )
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise InvalidInput(
            "payee.account_number",
            "length",
            f"an account number has {MIN_DIGITS} to {MAX_DIGITS} digits, not {len(digits)}",
        )
    return digits


def payee(
    credit_code: str, account_name: str, number: str, bank_name: str, cnaps_code: str
) -> PayeeAccount:
    """A payee account checked for form, each refusal naming its field and rule."""
    if not re.fullmatch(r"[0-9]{12}", cnaps_code):
        raise InvalidInput("payee.cnaps_code", "cnaps", "a bank's CNAPS code is 12 digits")
    name = account_name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput(
            "payee.account_name", "length", "an account name has 1 to 200 characters"
        )
    if not 1 <= len(bank_name.strip()) <= 500:
        raise InvalidInput("payee.bank_name", "length", "a bank name has 1 to 500 characters")
    return PayeeAccount(
        credit_code=credit_code,
        account_name=name,
        account_number=account_number(number),
        bank_name=bank_name.strip(),
        cnaps_code=cnaps_code,
    )
