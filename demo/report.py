"""The awards table and the round's totals, as plain aligned text."""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import layout
from .claims import label
from .layout import yuan
from .run import Result

HEADERS = ("rank", "enterprise", "category / level", "score", "claimed", "awarded", "status")
NUMERIC = {0, 3, 4, 5}
ALLOCATION = {"ApplicationAwarded", "ApplicationNotAwarded"}


def decision(history: list[dict[str, Any]]) -> tuple[int | None, str | None]:
    """The rank and reason code of the last decision in an application's history."""
    for event in reversed(history):
        payload = event["payload"]
        if event["event_type"] in ALLOCATION:
            return payload.get("rank"), payload.get("reason_code")
        if event["event_type"] == "ApplicationReviewed" and payload.get("reason_code"):
            return None, payload["reason_code"]
    return None, None


def rows(result: Result) -> list[tuple[str, ...]]:
    found = []
    for order, (application_id, entry) in enumerate(result.entries.items()):
        view = result.views[application_id]
        rank, reason = decision(result.histories[application_id])
        status = f"{view['status']}: {reason}" if reason else view["status"]
        if view["award_stage"]:
            status += f" ({view['award_stage']})"
        if application_id in result.publicity.excluded:
            status += " after an upheld objection"
        cells = (
            str(rank or "-"),
            entry.firm.short_name,
            label(entry.final_claim),
            str(view["score"] or "-"),
            yuan(view["claimed_amount_yuan"]),
            yuan(view["awarded_amount_yuan"]),
            status,
        )
        found.append(((rank or 1000, order), cells))
    return [cells for _, cells in sorted(found)]


def table(lines: list[tuple[str, ...]]) -> str:
    return layout.table(HEADERS, lines, NUMERIC)


def counts(counter: dict[str, int] | Counter[str], extra: dict[str, str] | None = None) -> str:
    extra = extra or {}
    return ", ".join(f"{key} {n}{extra.get(key, '')}" for key, n in sorted(counter.items()))


def totals(result: Result) -> str:
    round_, views = result.round, result.views.values()
    awarded = sum(v["awarded_amount_yuan"] or 0 for v in views)
    allocated = ("awarded", "not_awarded")
    claimed = sum(v["claimed_amount_yuan"] or 0 for v in views if v["status"] in allocated)
    by_category: Counter[str] = Counter()
    for view in views:
        by_category[view["category"]] += view["awarded_amount_yuan"] or 0
    reasons = Counter(r for h in result.histories.values() if (r := decision(h)[1]))
    paid = {key: f" ({n:,} yuan awarded)" for key, n in by_category.items()}
    agree = "agrees" if awarded == round_["awarded_total_yuan"] else "DISAGREES"
    lines = [
        f"budget        {round_['budget_yuan']:>12,} yuan",
        f"awarded       {round_['awarded_total_yuan']:>12,} yuan  (the applications' sum "
        f"{awarded:,} {agree})",
        f"unspent       {round_['budget_yuan'] - round_['awarded_total_yuan']:>12,} yuan",
        f"claimed       {claimed:>12,} yuan  by the applications allocated",
        f"publicity     {publicity(result)}",
        f"by status     {counts(round_['applications_by_status'])}",
        f"by reason     {counts(reasons)}",
        f"by category   {counts(round_['applications_by_category'], paid)}",
    ]
    return "\n".join(lines)


def publicity(result: Result) -> str:
    round_, listed = result.round, result.publicity.revised
    period = f"{listed['days']} {listed['day_kind']} days, until {listed['ends_at']}"
    if round_["finalised_at"]:
        revision = f"list revision {listed['revision']}"
        # Stamped by the services' clock, which the demo moved past the period.
        return f"{period}; final since {round_['finalised_at']} (moved clock), {revision}"
    return f"{period}; list revision {listed['revision']}, not final yet"
