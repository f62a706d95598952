"""What the stand-in does with an instruction, chosen by the payee's account number, so a
test picks an outcome by the account it registers (docs/finance-contract.md, "The local
stand-in"), never through a control channel into the stand-in's logic."""

from __future__ import annotations

from typing import Literal

Behaviour = Literal[
    "pays",  # accepts, pays when released
    "fails",  # accepts, fails account_closed when released
    "refuses",  # refuses at the door: 422 name_mismatch
    "slow",  # the first answer comes after the caller's read timeout; then pays
    "pays_twice",  # pays once, calls back twice with two callback ids
    "pays_again_late",  # pays, and calls back paid once more, later in its clock
]

BY_SUFFIX: dict[str, Behaviour] = {
    "9901": "fails",
    "9902": "refuses",
    "9903": "slow",
    "9904": "pays_twice",
    "9905": "pays_again_late",
}

# The banks' words, as the real bureau passes them on.
MESSAGES = {
    "account_closed": "收款账户已销户",
    "name_mismatch": "收款账户户名与账号不符",
}


def behaviour(account_number: str) -> Behaviour:
    """The behaviour an account number's last four digits choose; `pays` for any other."""
    return BY_SUFFIX.get(account_number[-4:], "pays")
