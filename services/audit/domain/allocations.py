"""Every allocation of a round run again: the first over the claims in play at its closing,
each later one (after an upheld objection found an application ineligible on its second
review) over the same claims without those excluded so far. Each must reproduce exactly
what its summary (RoundAllocated) and its decisions recorded, and only what changed
may have been written again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.policy import Policy
from shared.rules.allocation import Outcome, PriorRewards, allocate

from .facts import ApplicationFacts, Decision, micros
from .findings import Finding
from .publicity_facts import Withdrawal
from .records import LoggedEvent
from .register import RegisterAsOf
from .rounds import Round, allocation_of, excluded_by

ALLOCATION, CAUSALITY = "allocation reproduced", "causality"
_SHOWN = 3  # differences put in words in one finding; the rest counted


def reproduce_allocations(
    round_: Round,
    facts: Mapping[str, ApplicationFacts],
    policy: Policy,
    decided: list[ApplicationFacts],
    register: RegisterAsOf,
) -> list[Finding]:
    """`decided`: the round's applications with an award or refusal. Each allocation
    holds enterprises to the register as it stood at its moment."""
    closed = round_.closed
    assert closed is not None
    findings: list[Finding] = []
    summaries = _numbered(round_, findings)
    numbers = sorted(summaries) or [1]
    by_number: dict[Any, list[tuple[str, Decision]]] = {}
    for application in decided:
        latest = 0
        for decision in application.decisions:
            by_number.setdefault(decision.allocation, []).append((application.id, decision))
            if decision.allocation < latest:
                message = (
                    f"{decision.event_type} of allocation {decision.allocation} after a "
                    f"decision of allocation {latest}: the later allocation stands"
                )
                findings.append(_about(decision, message, application.id, round_.id))
            latest = max(latest, decision.allocation)
    withdrawals: dict[Any, list[tuple[str, Withdrawal]]] = {}
    for application in round_.applications:
        for withdrawal in application.publicity.withdrawals if application.publicity else ():
            withdrawals.setdefault(withdrawal.allocation, []).append((application.id, withdrawal))
    for number in set(by_number) - set(numbers):
        for application_id, decision in by_number[number]:
            message = f"names allocation {number}, which the round's history does not have"
            findings.append(_about(decision, message, application_id, round_.id))
    for number in set(withdrawals) - set(numbers):
        for application_id, withdrawal in withdrawals[number]:
            message = f"names allocation {number}, which the round's history does not have"
            findings.append(_at(withdrawal, ALLOCATION, message, application_id, round_.id))
    excluded: set[str] = set()
    before: dict[str, Outcome] = {}
    for number in numbers:
        summary = summaries.get(number)
        newly = [a for a in excluded_by(summary) if a not in excluded] if summary else []
        excluded.update(newly)
        in_play = round_.in_play_without(facts, frozenset(excluded))
        standing = _standing_at(decided, number)
        prior = PriorRewards(
            {
                c.achievement_key: d.prior_achievement_reward_yuan
                for c in in_play
                if (d := standing.get(c.application_id)) is not None
            },
            {
                c.credit_code: d.prior_enterprise_year_yuan
                for c in in_play
                if (d := standing.get(c.application_id)) is not None
            },
        )
        moment = _moment(by_number.get(number, ()), summary)
        outcomes = allocate(
            in_play,
            budget=closed.payload["budget_yuan"],
            cap=closed.payload["enterprise_cap_yuan"],
            mode=policy.allocation_mode,
            prior=prior,
            barred=register.barred(in_play, moment) if moment is not None else {},
        )
        reproduced = {outcome.application_id: outcome for outcome in outcomes}
        cause = summary.causation_id if summary else None
        decided_now = set()
        for application_id, decision in by_number.get(number, ()):
            decided_now.add(application_id)
            outcome = reproduced.get(application_id)
            if outcome is None:
                message = "decided, but was not in play when the round was allocated" + (
                    f" (allocation {number})" if number != 1 else ""
                )
                findings.append(_about(decision, message, application_id, round_.id))
            elif difference := _compare(outcome, decision):
                findings.append(_about(decision, difference, application_id, round_.id))
            if summary is not None and decision.causation_id != cause:
                message = (
                    f"{decision.event_type} of allocation {number} does not answer to what "
                    "caused that allocation"
                )
                findings.append(
                    Finding(
                        CAUSALITY,
                        message,
                        decision.at,
                        decision.event_id,
                        application_id,
                        round_.id,
                    )
                )
        for outcome in outcomes:
            earlier = before.get(outcome.application_id)
            if outcome.application_id in decided_now or not _changed(outcome, earlier):
                continue
            if number == 1:
                message, anchor = "in play but never decided", closed
            else:
                message = (
                    f"its outcome changed in allocation {number}, but no decision of that "
                    "allocation records it"
                )
                anchor = summary or closed
            findings.append(
                Finding.about(
                    ALLOCATION,
                    message,
                    anchor,
                    application_id=outcome.application_id,
                    round_id=round_.id,
                )
            )
        findings += _withdrawn(round_.id, number, newly, before, withdrawals, summary)
        if summary is not None:
            findings += _summary(round_, number, summary, outcomes, policy, facts, newly)
        before = reproduced
    return findings


def _moment(decisions: Iterable[tuple[str, Decision]], summary: LoggedEvent | None) -> int | None:
    """When an allocation decided (scoring stamps its events with that one moment): the
    earliest of its events, should a history have them apart."""
    moments = [decision.occurred_at for _, decision in decisions]
    if summary is not None:
        moments.append(micros(summary.occurred_at))
    return min(moments, default=None)


def _numbered(round_: Round, findings: list[Finding]) -> dict[Any, LoggedEvent]:
    """The summaries by allocation number; one out of sequence is named and left out."""
    summaries: dict[Any, LoggedEvent] = {}
    for event in round_.allocations:
        number = allocation_of(event)
        if number != len(summaries) + 1:
            message = f"allocation {number!r} where {len(summaries) + 1} was expected"
            findings.append(Finding.about(ALLOCATION, message, event, round_id=round_.id))
            continue
        summaries[number] = event
    return summaries


def _standing_at(decided: list[ApplicationFacts], number: int) -> dict[str, Decision]:
    """Each application's decision as it stood in allocation `number`."""
    standing = {}
    for application in decided:
        decisions = application.decisions
        if decisions[-1].allocation <= number:  # nearly always: the latest stands
            standing[application.id] = decisions[-1]
            continue
        for decision in reversed(decisions):
            if decision.allocation <= number:
                standing[application.id] = decision
                break
    return standing


def _changed(outcome: Outcome, earlier: Outcome | None) -> bool:
    return earlier is None or (outcome.awarded_yuan, outcome.reason_code, outcome.rank) != (
        earlier.awarded_yuan,
        earlier.reason_code,
        earlier.rank,
    )


def _withdrawn(
    round_id: str,
    number: int,
    newly: list[str],
    before: Mapping[str, Outcome],
    withdrawals: Mapping[Any, list[tuple[str, Withdrawal]]],
    summary: LoggedEvent | None,
) -> list[Finding]:
    """Each proposed award an allocation left out is withdrawn, at its amount, once."""
    findings = []
    made = {application_id: w for application_id, w in withdrawals.get(number, ())}
    for application_id in newly:
        earlier = before.get(application_id)
        awarded = earlier.awarded_yuan if earlier else 0
        if awarded and application_id not in made and summary is not None:
            message = (
                f"allocated without {application_id}, whose proposed award of {awarded} "
                "yuan is never withdrawn"
            )
            findings.append(
                Finding.about(
                    ALLOCATION, message, summary, application_id=application_id, round_id=round_id
                )
            )
    for application_id, withdrawal in withdrawals.get(number, ()):
        earlier = before.get(application_id)
        awarded = earlier.awarded_yuan if earlier else 0
        if application_id not in newly:
            message = f"withdraws a proposed award allocation {number} did not leave out"
        elif withdrawal.withdrawn_yuan != awarded:
            message = (
                f"withdraws {withdrawal.withdrawn_yuan} yuan; the award proposed was {awarded}"
            )
        elif summary is not None and withdrawal.causation_id != summary.causation_id:
            message = f"does not answer to what caused allocation {number}"
        else:
            continue
        findings.append(_at(withdrawal, ALLOCATION, message, application_id, round_id))
    return findings


def _summary(
    round_: Round,
    number: int,
    summary: LoggedEvent,
    outcomes: list[Outcome],
    policy: Policy,
    facts: Mapping[str, ApplicationFacts],
    newly: list[str],
) -> list[Finding]:
    """The summary says what the allocation run again gives, and answers to its cause:
    the closing, or a second review that found an application it leaves out ineligible."""
    closed = round_.closed
    assert closed is not None
    problems = []
    payload = summary.payload
    recorded = payload.get("outcomes")
    listed: dict[Any, tuple[Any, Any]] = (
        {
            item.get("application_id"): (item.get("amount_yuan"), item.get("reason_code"))
            for item in recorded
            if isinstance(recorded, list) and isinstance(item, dict)
        }
        if isinstance(recorded, list)
        else {}
    )
    again = {o.application_id: (o.awarded_yuan, o.reason_code) for o in outcomes}
    if not isinstance(recorded, list) or len(listed) != len(recorded):
        problems.append("its outcomes do not list each application once")
    for application_id in sorted(set(listed) | set(again), key=str):
        said, found = listed.get(application_id), again.get(application_id)
        if said != found:
            problems.append(
                f"{application_id} recorded {_outcome(said)}, reproduced {_outcome(found)}"
            )
    for name, expected in (
        ("budget_yuan", closed.payload.get("budget_yuan")),
        ("policy_sha256", policy.sha256),
    ):
        if payload.get(name) != expected:
            problems.append(f"{name} recorded {payload.get(name)!r}, the round's is {expected!r}")
    findings = []
    if problems:
        shown = "; ".join(problems[:_SHOWN])
        more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
        findings.append(
            Finding.about(
                ALLOCATION, f"allocation {number}: {shown}{more}", summary, round_id=round_.id
            )
        )
    if number == 1:
        if summary.causation_id != closed.event_id:
            findings.append(
                Finding.about(
                    CAUSALITY,
                    "the first allocation does not answer to the round's closing",
                    summary,
                    round_id=round_.id,
                )
            )
        if newly:
            findings.append(
                Finding.about(
                    ALLOCATION,
                    "the first allocation excludes applications",
                    summary,
                    round_id=round_.id,
                )
            )
        return findings
    causes: set[str] = set()
    for application_id in newly:
        known = facts.get(application_id)
        reviews = known.publicity.excluded_by() if known and known.publicity else {}
        moment = micros(summary.occurred_at)
        if not any(at <= moment for at in reviews.values()):
            message = (
                f"allocated again without {application_id}, but no review found it ineligible "
                "after an upheld objection before"
            )
            findings.append(
                Finding.about(
                    ALLOCATION, message, summary, application_id=application_id, round_id=round_.id
                )
            )
        causes.update(reviews)
    if not newly or summary.causation_id not in causes:
        message = (
            f"allocation {number} does not answer to a second review that found an "
            "application it leaves out ineligible"
        )
        findings.append(Finding.about(CAUSALITY, message, summary, round_id=round_.id))
    return findings


def _outcome(said: Any) -> str:
    if said is None:
        return "nothing"
    amount, reason = said
    return f"{amount} yuan" if reason is None else f"{amount} yuan ({reason})"


def _compare(outcome: Outcome, decision: Decision) -> str | None:
    problems = []
    if decision.amount_yuan != outcome.awarded_yuan:
        problems.append(
            f"amount recorded {decision.amount_yuan}, reproduced {outcome.awarded_yuan}"
        )
    if decision.rank != outcome.rank:
        problems.append(f"rank recorded {decision.rank}, reproduced {outcome.rank}")
    if not decision.awarded and decision.reason_code != outcome.reason_code:
        problems.append(f"reason recorded {decision.reason_code}, reproduced {outcome.reason_code}")
    if decision.awarded and outcome.reason_code is not None:
        # Say why it should have had nothing: a rule (the register's) names itself.
        problems.append(f"not to be awarded ({outcome.reason_code}): {outcome.basis}")
    return "; ".join(problems) or None


def _about(decision: Decision, message: str, application_id: str, round_id: str) -> Finding:
    return Finding(ALLOCATION, message, decision.at, decision.event_id, application_id, round_id)


def _at(
    withdrawal: Withdrawal, check: str, message: str, application_id: str, round_id: str
) -> Finding:
    return Finding(check, message, withdrawal.at, withdrawal.event_id, application_id, round_id)
