"""The program office's report of the demo's round, as the reports service computes it
from the log: read once it has caught up with what the demo did, summarised, and its
final and paid totals held to what the applications and payments APIs showed."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .api import Api, DemoError
from .layout import table, yuan
from .run import Result

MONEY = ("claimed_yuan", "proposed_yuan", "final_yuan", "paid_yuan", "recovered_yuan")
HEADERS = ("category", "applications", "claimed", "proposed", "final", "paid", "recovered")
STEPS = {
    "submission_to_review": "submission to review",
    "review_to_score": "review to score",
    "close_to_final": "close to final",
    "final_to_paid": "final to paid",
}


@dataclass(frozen=True)
class Office:
    report: dict[str, Any]
    page: str  # where the printable page is
    caught_up: bool  # False: the patience ran out first; the check says what differs
    seen: dict[str, int]  # final and paid as the applications and payments APIs showed


async def office(reports: Api, result: Result, patience: float) -> Office:
    """The round's report once its totals show the last thing the demo did."""
    round_id = result.round["id"]
    path = f"/v1/reports/rounds/{round_id}"
    wanted = _caught_up(result)
    deadline = time.monotonic() + patience
    while True:
        report = await reports.found(path)
        totals = (report or {}).get("totals", {})
        caught_up = all(totals.get(key) == value for key, value in wanted.items())
        if caught_up or (report is not None and time.monotonic() > deadline):
            page = f"{reports.client.base_url}{path}/report.html"
            return Office(report, page, caught_up, _seen(result))
        if time.monotonic() > deadline:
            raise DemoError(
                f"after {patience:.0f} s the reports service has not read round {round_id}. "
                "Is it running? Its log is .qsfund/logs/reports.log (or $QSFUND_HOME/logs)."
            )
        await asyncio.sleep(0.25)


def _caught_up(result: Result) -> dict[str, int]:
    """Report totals that say the log has been read as far as the demo went: every
    application, and the money's last moves (the repayments come last), or the latest
    allocation where the round did not get to its payments."""
    wanted = {"applications": len(result.entries)}
    if result.payments is None:
        return wanted | {"proposed_yuan": result.round["awarded_total_yuan"]}
    summary = result.payments.summary
    return wanted | {"paid_yuan": summary["paid_yuan"], "recovered_yuan": summary["repaid_yuan"]}


def _seen(result: Result) -> dict[str, int]:
    final = sum(
        v["awarded_amount_yuan"] or 0 for v in result.views.values() if v["award_stage"] == "final"
    )
    awards = result.payments.awards.values() if result.payments else []
    return {"final_yuan": final, "paid_yuan": sum(a["paid_yuan"] for a in awards)}


def problems(shown: Office) -> list[str]:
    """Where the report's totals differ from what the demo saw through the other APIs."""
    totals = shown.report["totals"]
    found = [
        f"the report's {key.removesuffix('_yuan')} total is {totals[key]:,} yuan, the APIs "
        f"showed {value:,}"
        for key, value in shown.seen.items()
        if totals[key] != value
    ]
    if not shown.caught_up:  # its applications, paid or recovered never matched
        found.append("the report had not caught up with the demo when the patience ran out")
    return found


def summary(shown: Office) -> str:
    made, found = shown.report, problems(shown)
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in made["by_category_level"]:
        for key in ("applications", *MONEY):
            by_category[line["category"]][key] += line[key]
    lines = [_line(category, by_category[category]) for category in sorted(by_category)]
    lines.append(_line("all", made["totals"]))
    steps = ", ".join(
        f"{STEPS[s['step']]} {_duration(s['median_seconds'])} ({s['applications']})"
        for s in made["steps"]
    )
    check = (
        "; ".join(found)
        if found
        else f"the report's final ({made['totals']['final_yuan']:,} yuan) and paid "
        f"({made['totals']['paid_yuan']:,}) totals are what the applications and payments "
        "APIs showed"
    )
    late = "" if shown.caught_up else " (NOT caught up with the demo when the patience ran out)"
    return "\n".join(
        [
            f"the office's report, as the reports service read it from the log{late}:",
            table(HEADERS, lines, set(range(1, len(HEADERS)))),
            "",
            f"budget        {made['budget_yuan']:>12,} yuan",
            f"median steps  {steps}",
            *_moved(made["steps"]),
            f"page          {shown.page}",
            f"exports       {shown.page.removesuffix('/report.html')}?format=csv (or xlsx)",
            "              (both for a program officer's or an auditor's token)",
            f"check         {check}",
        ]
    )


def _moved(steps: list[dict[str, Any]]) -> list[str]:
    final = next(s for s in steps if s["step"] == "close_to_final")
    if not final["applications"]:
        return []
    return ["              (close to final spans the publicity period: the demo moved the clock)"]


def _line(name: str, money: dict[str, Any]) -> tuple[str, ...]:
    return (name, str(money["applications"]), *(yuan(money[key]) for key in MONEY))


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
