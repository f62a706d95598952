"""Paying and recovering one final award: the ledger that decides every instruction,
outcome, revocation and repayment from the award's recorded events alone. The payments
service decides with it; the auditor replays each award's log through it again."""
