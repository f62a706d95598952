"""The awards table and the round's totals, as plain aligned text."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .claims import label
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


def yuan(amount: int | None) -> str:
    return "-" if amount is None else f"{amount:,}"


def rows(result: Result) -> list[tuple[str, ...]]:
    found = []
    for order, (application_id, entry) in enumerate(result.entries.items()):
        view = result.views[application_id]
        rank, reason = decision(result.histories[application_id])
        status = f"{view['status']}: {reason}" if reason else view["status"]
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
    widths = [max(len(line[i]) for line in [HEADERS, *lines]) for i in range(len(HEADERS))]

    def fmt(line: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(w) if i in NUMERIC else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(HEADERS), rule, *map(fmt, lines)])


def counts(counter: dict[str, int] | Counter[str], extra: dict[str, str] | None = None) -> str:
    extra = extra or {}
    return ", ".join(f"{key} {n}{extra.get(key, '')}" for key, n in sorted(counter.items()))


def totals(result: Result) -> str:
    round_, views = result.round, result.views.values()
    awarded = sum(v["awarded_amount_yuan"] or 0 for v in views)
    claimed = sum(v["claimed_amount_yuan"] or 0 for v in views if v["status"] != "withdrawn")
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
        f"claimed       {claimed:>12,} yuan  by the scored applications",
        f"by status     {counts(round_['applications_by_status'])}",
        f"by reason     {counts(reasons)}",
        f"by category   {counts(round_['applications_by_category'], paid)}",
    ]
    return "\n".join(lines)
