"""The report computed from the facts: sums, counts and medians, nothing else. The
service and the auditor call `report` with the facts each holds; equal facts give equal
reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.policy import Policy
from shared.rules.pricing import priority_of

from .facts import ApplicationFacts, RoundFacts
from .shape import (
    CategoryLevelLine,
    IndustryLine,
    Money,
    PriorityLine,
    ReasonLine,
    RecipientLine,
    Report,
    RoundLine,
    Scope,
    StepLine,
)

LARGEST_RECIPIENTS = 10
_SECOND = timedelta(seconds=1)


def median_seconds(durations: Iterable[timedelta]) -> int | None:
    """The median in whole seconds (of an even count, the mean of the middle two,
    rounded down); None of none."""
    ordered = sorted(d // _SECOND for d in durations)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


def money(applications: Sequence[ApplicationFacts]) -> Money:
    return Money(
        applications=len(applications),
        claimed_yuan=sum(a.claimed_yuan for a in applications),
        proposed_yuan=sum(a.proposed_yuan for a in applications),
        final_yuan=sum(a.final_yuan for a in applications),
        paid_yuan=sum(a.paid_yuan for a in applications),
        recovered_yuan=sum(a.recovered_yuan for a in applications),
    )


def in_scope(scope: Scope, rounds: Sequence[RoundFacts]) -> list[RoundFacts]:
    """The scope's rounds: the one named, or every round of the year."""
    if scope.kind == "round":
        return [r for r in rounds if r.round_id == scope.round_id]
    return sorted((r for r in rounds if r.year == scope.year), key=lambda r: r.round_id)


def filtered(scope: Scope, applications: Iterable[ApplicationFacts]) -> list[ApplicationFacts]:
    return [
        a
        for a in applications
        if (scope.category is None or a.category == scope.category)
        and (scope.level is None or a.level == scope.level)
    ]


def report(
    scope: Scope,
    year_rounds: Sequence[RoundFacts],
    year_applications: Sequence[ApplicationFacts],
    priorities: Mapping[str, Policy],
) -> Report:
    """The report of `scope`, from the facts of every round of its year and of their
    applications (the largest recipients are the year's, unfiltered: the cap is on
    everything an enterprise receives); `priorities`: each policy version's document,
    which names its priority industries and says how they are matched."""
    rounds = in_scope(scope, year_rounds)
    ids = {r.round_id for r in rounds}
    chosen = sorted(
        filtered(scope, (a for a in year_applications if a.round_id in ids)),
        key=lambda a: a.application_id,
    )
    policy_of = {r.round_id: r.policy_version for r in rounds}
    return Report(
        scope=scope,
        rounds=[RoundLine(**{k: getattr(r, k) for k in RoundLine.model_fields}) for r in rounds],
        budget_yuan=sum(r.budget_yuan for r in rounds),
        totals=money(chosen),
        by_category_level=_by_category_level(chosen),
        by_industry=_by_industry(chosen, policy_of, priorities),
        by_priority_industry=_by_priority(chosen, policy_of, priorities),
        ineligibility_reasons=_reasons(
            a.ineligible_reason or "unspecified" for a in chosen if _ineligible(a)
        ),
        non_award_reasons=_reasons(_non_award_reason(a) for a in chosen),
        steps=_steps(chosen, {r.round_id: r.closed_at for r in rounds}),
        largest_recipients=_recipients(year_rounds, year_applications),
    )


def _by_category_level(applications: Sequence[ApplicationFacts]) -> list[CategoryLevelLine]:
    groups: dict[tuple[str, str], list[ApplicationFacts]] = {}
    for a in applications:
        groups.setdefault((a.category, a.level), []).append(a)
    return [
        CategoryLevelLine(category=c, level=lv, **money(group).model_dump())
        for (c, lv), group in sorted(groups.items())
    ]


def _awarded(a: ApplicationFacts) -> bool:
    return a.proposed_yuan > 0 or a.final_yuan > 0


def _priority_match(
    a: ApplicationFacts, policy_of: Mapping[str, str], priorities: Mapping[str, Policy]
) -> str | None:
    """The priority industry the application's industry is, as scoring matches it."""
    policy = priorities.get(policy_of[a.round_id])  # None: a policy the deployment lacks
    found = priority_of(policy, a.industry, a.industry_code or None) if policy else None
    return found[0] if found is not None else None


def _by_industry(
    applications: Sequence[ApplicationFacts],
    policy_of: Mapping[str, str],
    priorities: Mapping[str, Policy],
) -> list[IndustryLine]:
    groups: dict[str, list[ApplicationFacts]] = {}
    for a in filter(_awarded, applications):
        groups.setdefault(a.industry, []).append(a)
    return [
        IndustryLine(
            industry=industry,
            priority=any(_priority_match(a, policy_of, priorities) for a in group),
            awards=len(group),
            proposed_yuan=sum(a.proposed_yuan for a in group),
            final_yuan=sum(a.final_yuan for a in group),
            paid_yuan=sum(a.paid_yuan for a in group),
        )
        for industry, group in sorted(groups.items())
    ]


def _by_priority(
    applications: Sequence[ApplicationFacts],
    policy_of: Mapping[str, str],
    priorities: Mapping[str, Policy],
) -> list[PriorityLine]:
    """Every priority industry of the scope's policies, those without awards too."""
    names = sorted(
        {
            i
            for v in set(policy_of.values())
            if v in priorities
            for i in priorities[v].priority_names
        }
    )
    groups: dict[str, list[ApplicationFacts]] = {name: [] for name in names}
    for a in filter(_awarded, applications):
        match = _priority_match(a, policy_of, priorities)
        if match is not None:
            groups[match].append(a)
    return [
        PriorityLine(
            priority_industry=name,
            awards=len(group),
            proposed_yuan=sum(a.proposed_yuan for a in group),
            final_yuan=sum(a.final_yuan for a in group),
        )
        for name, group in groups.items()
    ]


def _ineligible(a: ApplicationFacts) -> bool:
    return a.review == "ineligible"


def _non_award_reason(a: ApplicationFacts) -> str | None:
    """Why an eligible application got nothing: the allocation's reason, an award taken
    back after an objection, or the applicant's withdrawal."""
    if _ineligible(a) or _awarded(a):
        return None
    if a.withdrawn:
        return "withdrawn_by_applicant"
    if a.outcome == "withdrawn":
        return "award_withdrawn"
    return a.not_awarded_reason


def _reasons(codes: Iterable[str | None]) -> list[ReasonLine]:
    counted = Counter(code for code in codes if code is not None)
    return [ReasonLine(code=c, applications=n) for c, n in sorted(counted.items())]


def _steps(
    applications: Sequence[ApplicationFacts], closed: Mapping[str, datetime | None]
) -> list[StepLine]:
    def step(name: str, begin: Callable[[ApplicationFacts], datetime | None], end: str) -> Any:
        spans = [
            finish - start
            for a in applications
            if (start := begin(a)) is not None and (finish := getattr(a, end)) is not None
        ]
        return StepLine(step=name, applications=len(spans), median_seconds=median_seconds(spans))

    return [
        step("submission_to_review", lambda a: a.submitted_at, "reviewed_at"),
        step("review_to_score", lambda a: a.reviewed_at, "scored_at"),
        step("close_to_final", lambda a: closed.get(a.round_id), "final_at"),
        step("final_to_paid", lambda a: a.final_at, "paid_at"),
    ]


def _recipients(
    rounds: Sequence[RoundFacts], applications: Sequence[ApplicationFacts]
) -> list[RecipientLine]:
    caps = [r.enterprise_cap_yuan for r in rounds if r.enterprise_cap_yuan]
    cap = min(caps, default=0)
    ids = {r.round_id for r in rounds}
    totals: dict[str, list[ApplicationFacts]] = {}
    for a in applications:
        if a.round_id in ids and _awarded(a):
            totals.setdefault(a.credit_code, []).append(a)
    lines = []
    for code, group in totals.items():
        awarded = sum(a.final_yuan if a.final_at else a.proposed_yuan for a in group)
        lines.append(
            RecipientLine(
                credit_code=code,
                enterprise_name=max(group, key=lambda a: a.application_id).enterprise_name,
                awarded_yuan=awarded,
                final_yuan=sum(a.final_yuan for a in group),
                paid_yuan=sum(a.paid_yuan for a in group),
                cap_yuan=cap,
                headroom_yuan=cap - awarded,
            )
        )
    lines.sort(key=lambda line: (-line.awarded_yuan, line.credit_code))
    return lines[:LARGEST_RECIPIENTS]
