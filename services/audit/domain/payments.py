"""Every yuan moved, from the log alone: each payment traced to its application's final
award, nothing paid before it was final, above it or twice, and every revocation's sums
as the payments before it make them. These checks state the promises themselves; the
ledger's replay (payment_ledger.py) then holds each event to the code that decided it.

An award's stream is keyed by its application id, like the application's own streams,
so all of it is read in one shard, with the final award it pays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .facts import micros
from .findings import Finding
from .publicity_facts import Final
from .records import LoggedEvent

CHECK = "payment"


@dataclass(frozen=True)
class Award:
    """What the payments of one application are held to: its round, the enterprise it
    filed as, and its final award (None when it was never made final)."""

    application_id: str
    round_id: str | None
    credit_code: Any
    category: Any
    policy_version: Any
    final: Final | None


@dataclass
class _Paid:
    """What the log shows of the award's money so far."""

    instructed: dict[str, dict[str, Any]]
    failed: set[str]
    paid: set[str]  # instruction ids
    tranches_paid: dict[Any, str]  # tranche: the instruction that paid it
    total: int = 0  # every payment recorded, twice if recorded twice: money moved
    revoked: bool = False
    repaid: int = 0


def check_payments(award: Award, stream: Sequence[LoggedEvent]) -> list[Finding]:
    """`stream`: the award's events in version order."""
    money = _Paid({}, set(), set(), {})
    findings = []
    for event in stream:
        for problem in _problems(award, money, event):
            findings.append(
                Finding.about(
                    CHECK,
                    problem,
                    event,
                    application_id=award.application_id,
                    round_id=award.round_id,
                )
            )
    return findings


def _problems(award: Award, money: _Paid, event: LoggedEvent) -> list[str]:
    kind, payload = event.event_type, event.payload
    instruction_id: Any = payload.get("instruction_id")
    final = award.final.amount_yuan if award.final else None
    problems = []
    if kind == "PaymentInstructed":
        problems += _traced(award, event)
        if instruction_id in money.instructed:
            problems.append(f"instruction {instruction_id} instructed a second time")
        reissued = payload.get("reissue_of")
        if reissued is not None and not _reissuable(money, reissued, payload.get("tranche")):
            problems.append(
                f"reissues {reissued}, which is not a failed instruction of this award's "
                f"tranche {payload.get('tranche')}"
            )
        money.instructed.setdefault(instruction_id, payload)
    elif kind == "PaymentFailed":
        money.failed.add(instruction_id)
    elif kind == "PaymentSucceeded":
        instructed = money.instructed.get(instruction_id)
        amount = payload.get("amount_yuan")
        if instructed is None:
            problems.append(f"pays instruction {instruction_id}, which was never instructed")
        elif amount != instructed.get("amount_yuan"):
            problems.append(
                f"pays {amount} yuan on an instruction of {instructed.get('amount_yuan')}"
            )
        if instruction_id in money.paid:
            problems.append(f"instruction {instruction_id} paid twice")
        tranche = instructed.get("tranche") if instructed else None
        if instructed is not None and money.tranches_paid.get(tranche, instruction_id) != (
            instruction_id
        ):
            problems.append(
                f"tranche {tranche} paid twice: by {money.tranches_paid[tranche]} "
                f"and by {instruction_id}"
            )
        if instructed is not None:
            money.tranches_paid.setdefault(tranche, instruction_id)
        before = money.total
        money.paid.add(instruction_id)
        money.total += amount if isinstance(amount, int) else 0
        if final is not None and before <= final < money.total:
            problems.append(f"{money.total} yuan paid in all, above the final award of {final}")
    elif kind == "AwardRevoked":
        money.revoked = True
        if payload.get("paid_yuan") != money.total:
            problems.append(
                f"says {payload.get('paid_yuan')} yuan had been paid; the payments before "
                f"it come to {money.total}"
            )
    elif kind == "RepaymentRecorded":
        problems += _repayment(money, payload.get("amount_yuan"))
    elif kind == "ClawbackSettled" and (not money.revoked or money.total > money.repaid):
        due = money.total - money.repaid
        problems.append(
            f"settles a clawback while {due} yuan is still due"
            if money.revoked
            else "settles a clawback of an award that was not revoked"
        )
    return problems


def _traced(award: Award, event: LoggedEvent) -> list[str]:
    """An instruction pays the final award of its application, in its round, after it."""
    payload, final = event.payload, award.final
    if final is None:
        return ["instructed, but the application's award was never made final"]
    problems = []
    if micros(event.occurred_at) <= final.occurred_at:
        problems.append("instructed before the award was made final")
    if payload.get("round_id") != award.round_id:
        problems.append(
            f"names round {payload.get('round_id')}; the award is of round {award.round_id}"
        )
    if payload.get("final_award_yuan") != final.amount_yuan:
        problems.append(
            f"says the final award is {payload.get('final_award_yuan')} yuan; "
            f"it is {final.amount_yuan}"
        )
    amount = payload.get("amount_yuan")
    if not isinstance(amount, int) or amount > final.amount_yuan:
        problems.append(f"instructs {amount} yuan on a final award of {final.amount_yuan}")
    return problems


def _reissuable(money: _Paid, reissued: Any, tranche: Any) -> bool:
    failed = money.instructed.get(reissued)
    return reissued in money.failed and failed is not None and failed.get("tranche") == tranche


def _repayment(money: _Paid, amount: Any) -> list[str]:
    if not money.revoked:
        return ["a repayment on an award that was not revoked"]
    due = money.total - money.repaid
    money.repaid += amount if isinstance(amount, int) else 0
    if not isinstance(amount, int) or amount > due:
        return [f"repays {amount} yuan where {due} was due"]
    return []
