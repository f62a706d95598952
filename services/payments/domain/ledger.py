"""The award ledger, where the payments service has always imported it from. It lives in
shared/rules/payments/ since the auditor replays the logs through it (issue 15: a
service's internals are nobody else's imports)."""

from shared.rules.payments.ledger import (
    ACCOUNT_FAULTS,
    LIVE,
    AwardLedger,
    AwardState,
    Instruction,
    Status,
    instruction_id,
)

__all__ = [
    "ACCOUNT_FAULTS",
    "LIVE",
    "AwardLedger",
    "AwardState",
    "Instruction",
    "Status",
    "instruction_id",
]
