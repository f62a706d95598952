"""One final award's payments: its instructions to the finance bureau, their outcomes,
and its revocation and recovery. Every command decides from the recorded events alone
and answers the new events (none when it changes nothing), already applied; `replay`
rebuilds the same state from the log, as the projection and the auditor do.

The ledger is one object; its concerns live in their own modules: the state and its
folding (`award_state`), paying (`paying`), the bureau's answers (`outcomes`), and
revocation and recovery (`clawback`)."""

from __future__ import annotations

from .award_state import LIVE, AwardState, Instruction, Status
from .clawback import Clawback
from .outcomes import BureauOutcomes
from .paying import ACCOUNT_FAULTS, Paying, instruction_id

__all__ = [
    "ACCOUNT_FAULTS",
    "LIVE",
    "AwardLedger",
    "AwardState",
    "Instruction",
    "Status",
    "instruction_id",
]


class AwardLedger(Paying, BureauOutcomes, Clawback):
    """An award's payments; built empty from the award and its plan, then replayed."""
