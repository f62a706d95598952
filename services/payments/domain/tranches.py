"""An award's tranches: the rule is in shared/rules/payments/ (see ledger.py here)."""

from shared.rules.payments.tranches import ONE_TRANCHE, PlannedTranche, plan

__all__ = ["ONE_TRANCHE", "PlannedTranche", "plan"]
