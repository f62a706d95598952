"""Publicity (公示): the published list of proposed awards, the period objections are taken
in, and when a round's awards may be made final. No I/O here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.contracts.publicity import (
    FinalAward,
    Objector,
    PublicityOpened,
    PublishedEntry,
    PublishedListRevised,
    RoundFinalised,
)
from shared.contracts.scoring import RoundAllocated
from shared.contracts.values import ChainHead
from shared.hashchain import history_digest

from .calendar import period_end
from .credit_code import credit_code_problem
from .errors import InvalidInput, NotAllowedNow
from .rounds import FundingRound

LEVELS = {
    "china_quality_award": "China Quality Award",
    "mayor_quality_award": "mayor's quality award",
    "district_quality_award": "district quality award",
}


@dataclass(frozen=True)
class Enterprise:
    """What the list shows of an application's enterprise and claim."""

    name: str
    credit_code: str
    claim: Mapping[str, Any]


def describe(claim: Mapping[str, Any]) -> tuple[str, str]:
    """The achievement as a reader of the list names it, and its level."""
    category = claim["category"]
    if category == "standard":
        role = "lead drafter" if claim["role"] == "lead" else "participating drafter"
        return (
            f"{claim['standard_number']} {claim['title']} ({claim['work']}, {role})",
            str(claim["level"]),
        )
    if category == "quality_brand":
        award = LEVELS.get(claim["award"], claim["award"])
        return f"{award} {claim['year']} ({claim['tier']})", str(claim["award"])
    if category == "pilot_project":
        return str(claim["project_name"]), str(claim["level"])
    return (
        f"adoption of {claim['international_standard']} in {claim['products']}",
        "adoption",
    )


def published_entries(
    allocated: RoundAllocated, enterprises: Mapping[str, Enterprise]
) -> list[PublishedEntry]:
    """The proposed awards, largest first: only what is public (no contact, no evidence)."""
    entries = []
    for outcome in allocated.outcomes:
        if outcome.amount_yuan == 0:
            continue
        enterprise = enterprises[outcome.application_id]
        achievement, level = describe(enterprise.claim)
        entries.append(
            PublishedEntry(
                application_id=outcome.application_id,
                enterprise_name=enterprise.name,
                credit_code=enterprise.credit_code,
                category=enterprise.claim["category"],
                achievement=achievement,
                level=level,
                proposed_amount_yuan=outcome.amount_yuan,
            )
        )
    return sorted(entries, key=lambda e: (-e.proposed_amount_yuan, e.application_id))


def publish(
    round_: FundingRound,
    allocated: RoundAllocated,
    enterprises: Mapping[str, Enterprise],
    heads: Iterable[ChainHead],
    now: datetime,
) -> PublicityOpened | PublishedListRevised | None:
    """The list for this allocation: the first opens the period, a later one revises the
    list within it. None when the round already shows this allocation or is final."""
    if round_.finalised_at is not None or allocated.allocation <= round_.list_allocation:
        return None
    entries = published_entries(allocated, enterprises)
    sealed = sorted(heads, key=lambda head: (head.source, head.aggregate_id))
    common: dict[str, Any] = {
        "round_id": round_.id,
        "revision": round_.list_revision + 1,
        "allocation": allocated.allocation,
        "entries": entries,
        "total_yuan": sum(e.proposed_amount_yuan for e in entries),
        "heads": sealed,
        "digest": history_digest(sealed),
    }
    if round_.publicity_ends_at is not None:
        return PublishedListRevised(**common)
    last_day, ends_at = period_end(now, round_.publicity_days, round_.publicity_day_kind)
    return PublicityOpened(
        **common,
        published_at=now,
        ends_at=ends_at,
        last_day=last_day,
        days=round_.publicity_days,
        day_kind=round_.publicity_day_kind,
    )


def refuse_objection_at(round_: FundingRound, now: datetime) -> None:
    """Objections are taken only while the list is in publicity."""
    if round_.publicity_ends_at is None:
        raise NotAllowedNow(
            "round_id", "publicity_not_open", f"round {round_.id} has no list in publicity"
        )
    if now >= round_.publicity_ends_at:
        raise NotAllowedNow(
            "round_id",
            "publicity_ended",
            f"the publicity period of round {round_.id} ended at "
            f"{round_.publicity_ends_at.isoformat()}; objections are no longer taken",
        )


@dataclass(frozen=True)
class RoundStanding:
    """What finalisation must know of a round's applications."""

    open_objections: int
    awaiting_review: int
    awaiting_reallocation: int


def finalise(
    round_: FundingRound,
    standing: RoundStanding,
    awards: Iterable[FinalAward],
    now: datetime,
) -> RoundFinalised:
    """Awards become final only after the period, with no objection or its consequences
    still open."""
    if round_.finalised_at is not None:
        raise NotAllowedNow("round_id", "already_final", f"round {round_.id} is already final")
    if round_.publicity_ends_at is None:
        raise NotAllowedNow(
            "round_id",
            "publicity_not_open",
            f"round {round_.id} has not been allocated and published yet",
        )
    if now < round_.publicity_ends_at:
        raise NotAllowedNow(
            "round_id",
            "publicity_running",
            f"the publicity period runs until {round_.publicity_ends_at.isoformat()}",
        )
    waiting = {
        "objections_open": (standing.open_objections, "objection(s) not yet decided"),
        "review_pending": (
            standing.awaiting_review,
            "application(s) sent back to review by an upheld objection and not yet reviewed",
        ),
        "reallocation_pending": (
            standing.awaiting_reallocation,
            "application(s) found ineligible whose re-allocation has not been published yet",
        ),
    }
    for rule, (count, what) in waiting.items():
        if count:
            raise NotAllowedNow("round_id", rule, f"{count} {what}")
    final = sorted(awards, key=lambda award: award.application_id)
    return RoundFinalised(
        round_id=round_.id,
        list_revision=round_.list_revision,
        awards=final,
        total_yuan=sum(award.amount_yuan for award in final),
    )


def publicity_stage(round_: FundingRound, now: datetime) -> str | None:
    """What a reader of an awarded application sees: proposed, in publicity, final."""
    if round_.finalised_at is not None:
        return "final"
    if round_.publicity_ends_at is not None and now < round_.publicity_ends_at:
        return "in_publicity"
    return "proposed"


# Names that are no name: an objection must say who makes it.
_NO_NAME = frozenset({"anonymous", "anon", "n/a", "na", "none", "unknown", "-", "匿名", "无"})


def check_objector(objector: Objector) -> None:
    """Named objections only: an organisation by its valid credit code and an authorised
    person, a person by real name."""
    if objector.name.strip().casefold() in _NO_NAME:
        raise InvalidInput(
            "objector.name", "named", "anonymous objections are not accepted: give a real name"
        )
    if objector.kind == "person":
        return
    if objector.credit_code is None:
        raise InvalidInput(
            "objector.credit_code",
            "required",
            "an organisation objects under its unified social credit code",
        )
    problem = credit_code_problem(objector.credit_code)
    if problem:
        rule, _, message = problem.partition(": ")
        raise InvalidInput("objector.credit_code", rule, message)
    if not (objector.authorised_person or "").strip():
        raise InvalidInput(
            "objector.authorised_person",
            "required",
            "name the person authorised to object for the organisation",
        )
