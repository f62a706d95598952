"""A round's publicity (公示) held to its history: each published list shows exactly the
awards of the allocation it names, as the applications were filed, and seals the history
as it stood (its digest, each head in the log); objections only while a list was in
publicity; the awards made final only after the period, with nothing open, as the latest
list shows them, each by one AwardFinalised."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from shared.contracts.publicity import DayKind
from shared.rules.calendar import CalendarUnknown, period_end
from shared.rules.listing import describe

from .facts import ApplicationFacts, micros
from .findings import Finding
from .kept import digest_of
from .lookups import Answers, Found, HeadKey, Listing
from .records import LoggedEvent
from .rounds import Round, allocation_of, excluded_by

LISTED, FINAL, OBJECTION = "published list", "final decision", "objection"
FINALISED = "RoundFinalised"
KINDS: tuple[DayKind, ...] = ("working", "calendar")


def check_publicity(rounds: Mapping[str, Round], answers: Answers) -> list[Finding]:
    findings: list[Finding] = []
    for round_ in rounds.values():
        touched = [a for a in round_.applications if a.publicity is not None]
        if not (round_.lists or touched or round_.of_type(FINALISED)):
            continue  # a round before publicity: nearly every round of a long history
        findings += _lists(round_, answers)
        findings += _objections(round_, touched)
        findings += _finalisation(round_, touched)
    return findings


def _lists(round_: Round, answers: Answers) -> list[Finding]:
    allocations: dict[Any, LoggedEvent] = {}
    for event in round_.allocations:
        allocations.setdefault(allocation_of(event), event)
    findings = []
    for index, listed in enumerate(round_.lists):
        payload = listed.payload
        problems = []
        expected = "PublicityOpened" if index == 0 else "PublishedListRevised"
        if listed.event_type != expected:
            problems.append(f"a {listed.event_type} where a {expected} was expected")
        if payload.get("revision") != index + 1:
            problems.append(f"revision {payload.get('revision')!r} where {index + 1} was expected")
        if index == 0 and expected == listed.event_type:
            problems += _period(round_, payload)
        entries = payload.get("entries")
        entries = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
        allocated = allocations.get(payload.get("allocation"))
        if allocated is None:
            problems.append(
                f"shows allocation {payload.get('allocation')!r}, which the round's history "
                "does not have"
            )
        else:
            problems += _entries(entries, allocated, answers.filings)
        total = sum(e.get("proposed_amount_yuan") or 0 for e in entries)
        if payload.get("total_yuan") != total:
            problems.append(f"total {payload.get('total_yuan')!r} yuan; its entries add to {total}")
        heads = payload.get("heads")
        heads = [h for h in heads if isinstance(h, dict)] if isinstance(heads, list) else []
        if digest_of(heads) != payload.get("digest"):
            problems.append("its digest is not the digest of its heads")
        problems += _heads(heads, answers.heads)
        findings += [Finding.about(LISTED, p, listed, round_id=round_.id) for p in problems]
    return findings


def _period(round_: Round, payload: Mapping[str, Any]) -> list[str]:
    """The period the list says is the one the round's settings and the calendar give."""
    opened = round_.event("RoundOpened")
    problems = []
    settings = opened.payload if opened else {}
    for name, field in (("days", "publicity_days"), ("day_kind", "publicity_day_kind")):
        if field in settings and payload.get(name) != settings[field]:
            problems.append(
                f"a period of {name} {payload.get(name)!r}; the round set {settings[field]!r}"
            )
    published, ends = _moment(payload.get("published_at")), _moment(payload.get("ends_at"))
    days, kind = payload.get("days"), payload.get("day_kind")
    if published is None or ends is None or not isinstance(days, int) or kind not in KINDS:
        return [*problems, "its period is not readable"]
    try:
        last_day, ends_at = period_end(published, days, kind)
    except CalendarUnknown as error:
        return [*problems, f"its period cannot be counted: {error}"]
    if ends != ends_at or payload.get("last_day") != last_day.isoformat():
        problems.append(
            f"its period ends at {payload.get('ends_at')}; {payload.get('days')} "
            f"{payload.get('day_kind')} days from publication end at {ends_at.isoformat()}"
        )
    return problems


def _entries(
    entries: list[dict[str, Any]], allocated: LoggedEvent, filings: Mapping[str, Listing]
) -> list[str]:
    """Exactly the allocation's awards, each as its application was filed."""
    number = allocation_of(allocated)
    outcomes = allocated.payload.get("outcomes")
    awarded = {
        o.get("application_id"): o.get("amount_yuan")
        for o in (outcomes if isinstance(outcomes, list) else ())
        if isinstance(o, dict) and o.get("amount_yuan")
    }
    problems = []
    shown = set()
    for entry in entries:
        application_id: Any = entry.get("application_id")
        amount = entry.get("proposed_amount_yuan")
        if application_id in shown:
            problems.append(f"lists {application_id} twice")
        shown.add(application_id)
        if application_id not in awarded:
            problems.append(f"lists {application_id}, which allocation {number} does not award")
        elif amount != awarded[application_id]:
            problems.append(
                f"lists {application_id} at {amount!r} yuan; allocation {number} awards "
                f"{awarded[application_id]}"
            )
        filing = filings.get(application_id)
        if filing is None:
            problems.append(f"lists {application_id}, of which the log has no filing")
            continue
        for name, filed in _as_filed(filing):
            if entry.get(name) != filed:
                problems.append(
                    f"shows {application_id}'s {name} as {entry.get(name)!r}; filed: {filed!r}"
                )
    problems += [
        f"leaves out {application_id}, awarded {amount} yuan by allocation {number}"
        for application_id, amount in awarded.items()
        if application_id not in shown
    ]
    return problems


def _as_filed(filing: Listing) -> Iterator[tuple[str, Any]]:
    yield "enterprise_name", filing.enterprise_name
    yield "credit_code", filing.credit_code
    claim = filing.claim
    if isinstance(claim, dict):
        yield "category", claim.get("category")
        try:
            achievement, level = describe(claim)
        except (KeyError, TypeError):
            return  # a claim the service could not have listed: its other checks say so
        yield "achievement", achievement
        yield "level", level


def _heads(heads: list[dict[str, Any]], found: Mapping[HeadKey, Found]) -> list[str]:
    problems = []
    for head in heads:
        key = (head.get("source"), head.get("aggregate_id"), head.get("version"))
        stream = f"{key[0]}/{key[1]} version {key[2]}"
        there = found.get(key)  # type: ignore[arg-type]
        if there is None:
            problems.append(f"seals {stream}, which the log does not have")
        elif there.hash != head.get("hash"):
            problems.append(
                f"sealed {stream} with hash {str(head.get('hash'))[:12]}…; the log has "
                f"{there.hash[:12]}… ({there.at}, event {there.event_id})"
            )
    return problems


def _objections(round_: Round, touched: list[ApplicationFacts]) -> list[Finding]:
    """Each objection lodged while a list in publicity showed its application."""
    opened = next(iter(round_.of_type("PublicityOpened")), None)
    ends = _moment(opened.payload.get("ends_at")) if opened else None
    lists = [(micros(e.occurred_at), e) for e in round_.lists]
    findings = []
    for application in touched:
        assert application.publicity is not None
        for objection in application.publicity.objections:
            lodged = objection.lodged_at
            if opened is None:
                problem = "lodged, but the round's list was never published"
            elif lodged < micros(opened.occurred_at):
                problem = "lodged before the round's list was published"
            elif ends is None or lodged >= micros(ends):
                problem = (
                    f"lodged after the publicity period ended at {opened.payload.get('ends_at')}"
                )
            elif not _shown(application.id, [e for t, e in lists if t <= lodged][-1:]):
                problem = "objects to an application the list in publicity did not show"
            else:
                continue
            findings.append(
                Finding(
                    OBJECTION, problem, objection.at, objection.event_id, application.id, round_.id
                )
            )
    return findings


def _shown(application_id: str, lists: list[LoggedEvent]) -> bool:
    entries = lists[0].payload.get("entries") if lists else None
    return isinstance(entries, list) and any(
        isinstance(e, dict) and e.get("application_id") == application_id for e in entries
    )


def _finalisation(round_: Round, touched: list[ApplicationFacts]) -> list[Finding]:
    finalisations = round_.of_type(FINALISED)
    finals = [(a, f) for a in touched if a.publicity for f in a.publicity.finals]
    if not finalisations:
        return [
            Finding(
                FINAL,
                "an award made final, but its round never was",
                f.at,
                f.event_id,
                a.id,
                round_.id,
            )
            for a, f in finals
        ]
    final, *again = finalisations
    findings = [
        Finding.about(FINAL, "the round made final a second time", e, round_id=round_.id)
        for e in again
    ]
    problems = list(_before_final(round_, final, touched))
    listed = [e for e in round_.lists if e.aggregate_version < final.aggregate_version]
    problems += _awards(final, listed[-1] if listed else None)
    findings += [Finding.about(FINAL, p, final, round_id=round_.id) for p in problems]
    findings += [
        Finding.about(FINAL, "published after the round was made final", e, round_id=round_.id)
        for e in round_.lists
        if e.aggregate_version > final.aggregate_version
    ]
    moment = micros(final.occurred_at)
    findings += [
        Finding.about(
            FINAL, "allocated again after the round was made final", e, round_id=round_.id
        )
        for e in round_.allocations
        if micros(e.occurred_at) > moment
    ]
    findings += _final_awards(round_, final, finals)
    return findings


def _before_final(
    round_: Round, final: LoggedEvent, touched: list[ApplicationFacts]
) -> Iterator[str]:
    """What must have ended or been settled before the awards were made final."""
    moment = micros(final.occurred_at)
    opened = next(iter(round_.of_type("PublicityOpened")), None)
    ends = _moment(opened.payload.get("ends_at")) if opened else None
    if opened is None or ends is None:
        yield "made final, but the round's list was never published"
    elif moment < micros(ends):
        yield (
            f"made final at {final.occurred_at.isoformat()}, before the publicity period "
            f"ended at {opened.payload.get('ends_at')}"
        )
    reallocated = {
        application_id
        for e in round_.allocations
        if micros(e.occurred_at) <= moment
        for application_id in excluded_by(e)
    }
    for application in touched:
        assert application.publicity is not None
        who = application.id
        for objection in application.publicity.objections:
            decided = objection.decided_at
            if objection.lodged_at <= moment and (decided is None or decided > moment):
                yield f"made final with objection {objection.objection_id} to {who} open"
        for reopening in application.publicity.reopenings:
            reviewed = reopening.reviewed_at
            if reopening.upheld_at <= moment and (reviewed is None or reviewed > moment):
                yield (
                    f"made final while {who}, sent back to review by an upheld objection, "
                    "awaited its review"
                )
        for reviewed in application.publicity.excluded_by().values():
            if reviewed <= moment and who not in reallocated:
                yield (
                    f"made final while {who}, found ineligible on a second review, awaited "
                    "the round's allocation without it"
                )


def _awards(final: LoggedEvent, listed: LoggedEvent | None) -> list[str]:
    """The final awards are the latest list's entries."""
    if listed is None:
        return []
    payload = final.payload
    problems = []
    if payload.get("list_revision") != listed.payload.get("revision"):
        problems.append(
            f"makes list revision {payload.get('list_revision')!r} final; the latest is "
            f"{listed.payload.get('revision')!r}"
        )
    awards = _by_application(payload.get("awards"), "amount_yuan")
    entries = _by_application(listed.payload.get("entries"), "proposed_amount_yuan")
    for application_id in sorted(set(awards) | set(entries), key=str):
        made, shown = awards.get(application_id), entries.get(application_id)
        if made != shown:
            problems.append(
                f"awards {application_id} {_award(made)}; the latest list shows {_award(shown)}"
            )
    total = sum(amount for _, amount in awards.values() if isinstance(amount, int))
    if payload.get("total_yuan") != total:
        problems.append(f"total {payload.get('total_yuan')!r} yuan; its awards add to {total}")
    return problems


def _final_awards(
    round_: Round, final: LoggedEvent, finals: list[tuple[ApplicationFacts, Any]]
) -> list[Finding]:
    """One AwardFinalised per final award, of its amount, caused by the final decision."""
    awards = _by_application(final.payload.get("awards"), "amount_yuan")
    findings = []
    made: set[str] = set()
    for application, award in finals:
        expected = awards.get(application.id)
        if expected is None:
            problem = "made final, but the round's final decision does not award it"
        elif application.id in made:
            problem = "made final a second time"
        elif award.amount_yuan != expected[1]:
            problem = (
                f"{award.amount_yuan} yuan made final; the round's final decision awards "
                f"{expected[1]}"
            )
        elif award.causation_id != final.event_id:
            problem = "does not answer to the round's final decision"
        else:
            made.add(application.id)
            continue
        made.add(application.id)
        findings.append(
            Finding(FINAL, problem, award.at, award.event_id, application.id, round_.id)
        )
    findings += [
        Finding.about(
            FINAL,
            f"no AwardFinalised for {application_id}'s award",
            final,
            application_id=application_id,
            round_id=round_.id,
        )
        for application_id in sorted(set(awards) - made, key=str)
    ]
    return findings


def _by_application(items: Any, amount: str) -> dict[Any, tuple[Any, Any]]:
    return {
        item.get("application_id"): (item.get("credit_code"), item.get(amount))
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict)
    }


def _award(award: tuple[Any, Any] | None) -> str:
    return "nothing" if award is None else f"{award[1]!r} yuan (credit code {award[0]})"


def _moment(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None
