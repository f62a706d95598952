"""Why a payment command was refused: defined in shared/rules/payments/ with the ledger
that raises them (see ledger.py here)."""

from shared.rules.payments.errors import Conflicting, InvalidInput, NotAllowedNow, PaymentError

__all__ = ["Conflicting", "InvalidInput", "NotAllowedNow", "PaymentError"]
