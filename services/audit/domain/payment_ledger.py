"""An award's log replayed through the ledger that decided it (shared/rules/payments/):
each recorded event must be what the ledger, holding the events before it, makes of the
command that event answers (the instruction, the bureau's answer, the revocation, the
repayment). The auditor runs the very code that decided, so a log no honest run of it
could have written is named at the first event that departs from it."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Sequence

from shared.contracts.base import Contract
from shared.contracts.payments import (
    AwardRevoked,
    ClawbackSettled,
    InstructionCancelled,
    MilestoneReached,
    PaymentAccepted,
    PaymentFailed,
    PaymentInstructed,
    PaymentSucceeded,
    RepaymentRecorded,
)
from shared.contracts.registry import contract_for
from shared.policy import UnknownPolicy, policy_version
from shared.rules.payments.errors import PaymentError
from shared.rules.payments.ledger import AwardLedger
from shared.rules.payments.tranches import plan

from .findings import Finding
from .payments import Award
from .records import LoggedEvent

CHECK = "payment ledger"


def replay_ledger(award: Award, stream: Sequence[LoggedEvent]) -> list[Finding]:
    """`stream`: the award's events in version order. An award never made final has no
    ledger to replay: check_payments names its payments."""
    if award.final is None or not stream:
        return []

    def finding(message: str, event: LoggedEvent) -> Finding:
        where = {"application_id": award.application_id, "round_id": award.round_id}
        return Finding.about(CHECK, message, event, **where)

    try:
        terms = policy_version(str(award.policy_version)).payment
    except UnknownPolicy as error:
        return [finding(f"the award's tranches cannot be planned: {error}", stream[0])]
    amount = award.final.amount_yuan
    ledger = AwardLedger(
        award.application_id,
        str(award.round_id),
        str(award.credit_code),
        amount,
        plan(amount, award.category, terms),
    )
    findings = []
    following: list[Contract] = []  # what the ledger made with the last event, unread
    for event in stream:
        try:
            recorded = _contract(event)
        except ValueError as error:  # an unknown type or version, a payload it refuses
            findings.append(finding(f"not a payment event the ledger reads: {error}", event))
            continue
        if following and following[0] == recorded:
            ledger.apply(following.pop(0))
            continue
        following, problem = _decide(ledger, recorded)
        if problem is not None:
            findings.append(finding(problem, event))
        _follow(ledger, recorded)
    return findings


def _follow(ledger: AwardLedger, recorded: Contract) -> None:
    """The ledger takes the recorded event, whether it would have made it or not: what
    follows is judged against what the log says happened (a revocation that was recorded
    happened), so that one departure is named once, not again at every event after it."""
    # One about an instruction the log never made changes nothing known: KeyError.
    with contextlib.suppress(KeyError):
        ledger.apply(recorded)


def _contract(event: LoggedEvent) -> Contract:
    contract = contract_for(event.event_type)
    if event.schema_version != contract.schema_version:
        raise ValueError(f"schema version {event.schema_version} of {event.event_type}")
    return contract.model_validate(event.payload)


def _decide(ledger: AwardLedger, recorded: Contract) -> tuple[list[Contract], str | None]:
    """What else the ledger makes with `recorded` (a settlement), or why it would not
    have recorded it. The ledger itself is left as it was: the caller applies."""
    trial = copy.deepcopy(ledger)
    try:
        made = _command(trial, recorded)
    except PaymentError as refused:
        return [], f"the ledger refuses it ({refused.rule}): {refused.message}"
    if isinstance(recorded, PaymentInstructed):  # instruct_due may make several at once
        made = [m for m in made if getattr(m, "instruction_id", None) == recorded.instruction_id]
    if not made:
        return [], f"the ledger records no {recorded.event_type} here"
    if made[0] != recorded:
        return [], f"the ledger makes it otherwise: {_difference(recorded, made[0])}"
    return made[1:], None


def _command(ledger: AwardLedger, event: Contract) -> list[Contract]:
    """The command the recorded event answers, as the payments service gives it."""
    if isinstance(event, PaymentInstructed):
        if event.reissue_of is not None:
            return ledger.reissue(event.reissue_of, event.payee)
        return ledger.instruct_due(event.payee)
    if isinstance(event, PaymentAccepted):
        return ledger.accepted(event.instruction_id, event.bureau_reference)
    if isinstance(event, PaymentSucceeded):
        return ledger.paid(
            event.instruction_id, event.amount_yuan, event.bank_reference, event.paid_at
        )
    if isinstance(event, PaymentFailed):
        return ledger.failed(event.instruction_id, event.reason, event.message, event.failed_at)
    if isinstance(event, MilestoneReached):
        return ledger.reach_milestone(event.milestone, event.document_reference)
    if isinstance(event, AwardRevoked):
        return ledger.revoke(event.reason, event.document_reference, event.revoked_at)
    if isinstance(event, InstructionCancelled):
        return ledger.cancelled(event.instruction_id)
    if isinstance(event, RepaymentRecorded):
        return ledger.repaid(event.amount_yuan, event.reference, event.received_at)
    assert isinstance(event, ClawbackSettled)  # only ever made with another event
    return []


def _difference(recorded: Contract, made: Contract) -> str:
    if type(recorded) is not type(made):
        return f"{made.event_type}, not {recorded.event_type}"
    ours, theirs = recorded.model_dump(mode="json"), made.model_dump(mode="json")
    return ", ".join(
        f"{name} {ours[name]!r} where the ledger has {theirs[name]!r}"
        for name in ours
        if ours[name] != theirs[name]
    )
