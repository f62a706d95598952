"""Payment (拨付) and clawback (追回): the final awards paid through the finance bureau's
stand-in, one account closed and corrected, a pilot project's second half paid after
its acceptance, and one award revoked for false materials and repaid.

The stand-in pays what it accepted when it is released (`POST /stand-in/release`), so
the demo shows each step's outcome as it comes, without waiting for time to pass. Which
account fails is chosen by its number, as the contract's stand-in table says
(docs/finance-contract.md)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

from .api import OFFICER, Api, DemoError, applicant
from .claims import label
from .layout import table, yuan
from .plan import Entry
from .story import say

CNAPS = "301653000015"  # 交通银行重庆渝北支行
BANK = "交通银行重庆渝北支行"
CLOSED = "9901"  # the stand-in reports such an account closed
HEADERS = ("enterprise", "achievement", "final", "paid", "due back", "stage", "instructions")


@dataclass
class Payments:
    awards: dict[str, dict[str, Any]]  # by application id, as the payments API shows them
    summary: dict[str, Any]
    revoked: str  # the application whose award was revoked


def account_number(serial: int, ending: str = "") -> str:
    """A 21-digit settlement account: the stand-in pays any, except the endings it knows."""
    number = f"3100667260188{serial:08d}"
    return number[: len(number) - len(ending)] + ending


async def payments(
    api: Api,
    payments_api: Api,
    bureau: httpx.AsyncClient,
    round_id: str,
    entries: dict[str, Entry],
    codes: dict[str, str],
    patience: float,
) -> Payments:
    start = time.perf_counter()
    final = await _final_awards(payments_api, round_id, patience)
    say(f"the payments service holds {len(final)} final awards, nothing paid yet", start)
    closed = final[0]
    pilots = [i for i in final if entries[i].final_claim["category"] == "pilot_project"]
    for serial, application_id in enumerate(final, start=1):
        ending = CLOSED if application_id == closed else ""
        await _register(payments_api, entries, codes, application_id, serial, ending)
    say(
        f"each enterprise registered its settlement account (对公账户); "
        f"{_name(entries, closed)}'s is one the bank has closed"
    )
    await _until(payments_api, final, _all_taken, patience)
    paid = await _release(bureau)
    say(f"the finance bureau paid {paid['paid']} instructions and failed {paid['failed']}")
    failed = await _until_one(
        payments_api, closed, lambda a: a["instructions"][-1]["status"] == "failed", patience
    )
    reason = failed["instructions"][-1]["failure_reason"]
    say(f"  {_name(entries, closed)}: failed, {reason}; it registers a corrected account")
    await _register(payments_api, entries, codes, closed, len(final) + 1, "")
    for number, pilot in enumerate(pilots, start=1):
        await payments_api.call(
            "POST",
            f"/v1/awards/{pilot}/milestones",
            OFFICER,
            {"milestone": "acceptance", "document_reference": f"渝质验(2027){number}号 验收报告"},
        )
    if pilots:
        say(
            f"  the policy pays a pilot project half when final, half after its acceptance: "
            f"{len(pilots)} acceptance reports recorded, their second halves instructed"
        )
    await _until(payments_api, final, _all_taken, patience)
    paid = await _release(bureau)
    say(f"the finance bureau paid {paid['paid']} more, to the corrected account among them")
    awards = await _until(payments_api, final, lambda a: a["stage"] == "paid", patience)

    revoked = final[-1]
    path = f"/v1/awards/{revoked}"
    await payments_api.call(
        "POST",
        f"{path}/revoke",
        OFFICER,
        {"reason": "false_materials", "document_reference": "渝市监查(2027)15号"},
    )
    due = (await payments_api.call("GET", path))["due_back_yuan"]
    say(
        f"{_name(entries, revoked)}: its award revoked for false materials (渝市监查(2027)15号); "
        f"{due:,} yuan due back, and the enterprise barred from the program for three years"
    )
    half = due // 2
    for number, amount in ((1, half), (2, due - half)):
        view = await payments_api.call(
            "POST",
            f"{path}/repayments",
            OFFICER,
            {"amount_yuan": amount, "reference": f"退款-{revoked[:8]}-{number}"},
        )
        say(f"  repaid {amount:,} yuan: {view['due_back_yuan']:,} still due, stage {view['stage']}")
    awards[revoked] = await payments_api.call("GET", path)
    summary = await payments_api.call("GET", f"/v1/rounds/{round_id}/payments")
    return Payments(awards, summary, revoked)


def report(shown: Payments, entries: dict[str, Entry]) -> str:
    lines: list[tuple[str, ...]] = [
        (
            entries[i].firm.short_name,
            label(entries[i].final_claim),
            yuan(a["final_award_yuan"]),
            yuan(a["paid_yuan"]),
            yuan(a["due_back_yuan"]),
            str(a["stage"]),
            ", ".join(_instruction(x) for x in a["instructions"]),
        )
        for i, a in sorted(shown.awards.items(), key=lambda item: entries[item[0]].firm.short_name)
    ]
    s = shown.summary
    totals = (
        f"paid {s['paid_yuan']:,} of {s['final_award_yuan']:,} yuan final; "
        f"{s['repaid_yuan']:,} recovered, {s['due_back_yuan']:,} still due"
    )
    return f"{table(HEADERS, lines, {2, 3, 4})}\n\npayments      {totals}"


def problems(shown: Payments) -> list[str]:
    """What the payments must be: every award paid in full, never above it, and the
    revoked one recovered to the yuan."""
    found = []
    for application_id, award in shown.awards.items():
        if award["paid_yuan"] != award["final_award_yuan"]:
            found.append(
                f"{application_id}: paid {award['paid_yuan']} of {award['final_award_yuan']}"
            )
        if (
            sum(i["amount_yuan"] for i in award["instructions"] if i["status"] == "paid")
            != award["paid_yuan"]
        ):
            found.append(f"{application_id}: its instructions do not add up to what is paid")
    revoked = shown.awards[shown.revoked]
    if (revoked["stage"], revoked["repaid_yuan"]) != ("settled", revoked["paid_yuan"]):
        found.append(f"{shown.revoked}: revoked but not recovered")
    return found


def _all_taken(award: dict[str, Any]) -> bool:
    """Every instruction of the award taken by the bureau (or answered)."""
    return all(i["status"] != "instructed" for i in award["instructions"])


def _instruction(instruction: dict[str, Any]) -> str:
    status = instruction["status"]
    if status == "failed":
        status += f" ({instruction['failure_reason']})"
    return f"t{instruction['tranche']} {instruction['amount_yuan']:,} {status}"


def _name(entries: dict[str, Entry], application_id: str) -> str:
    return entries[application_id].firm.short_name


async def _register(
    payments_api: Api,
    entries: dict[str, Entry],
    codes: dict[str, str],
    application_id: str,
    serial: int,
    ending: str,
) -> None:
    firm = entries[application_id].firm
    await payments_api.call(
        "PUT",
        f"/v1/awards/{application_id}/payee",
        applicant(codes[firm.key]),
        {
            "account_name": firm.name,
            "account_number": account_number(serial, ending),
            "bank_name": BANK,
            "cnaps_code": CNAPS,
        },
    )


async def _final_awards(payments_api: Api, round_id: str, patience: float) -> list[str]:
    """The round's final awards, once the payments service has read them all."""
    deadline = time.monotonic() + patience
    while True:
        summary = await payments_api.call("GET", f"/v1/rounds/{round_id}/payments")
        if summary["awards"] and summary["by_stage"].get("awarded", 0) == 0:
            return list(summary["awaiting_account"])
        if time.monotonic() > deadline:
            raise DemoError(
                f"after {patience:.0f} s the payments service has not read round {round_id}'s "
                "final awards. Is it running? Its log is .qsfund/logs/payments.log."
            )
        await asyncio.sleep(0.25)


async def _until(
    payments_api: Api, ids: list[str], done: Any, patience: float
) -> dict[str, dict[str, Any]]:
    found = {}
    for application_id in ids:
        found[application_id] = await _until_one(payments_api, application_id, done, patience)
    return found


async def _until_one(
    payments_api: Api, application_id: str, done: Any, patience: float
) -> dict[str, Any]:
    deadline = time.monotonic() + patience
    while True:
        award: dict[str, Any] = await payments_api.call("GET", f"/v1/awards/{application_id}")
        if done(award):
            return award
        if time.monotonic() > deadline:
            raise DemoError(
                f"after {patience:.0f} s award {application_id} is still {award['stage']}: "
                "are the payments service and the finance stand-in running? Their logs are "
                ".qsfund/logs/payments.log and finance-standin.log."
            )
        await asyncio.sleep(0.25)


async def _release(bureau: httpx.AsyncClient) -> dict[str, Any]:
    try:
        response = await bureau.post("/stand-in/release")
    except httpx.TransportError as error:
        raise DemoError(
            f"the finance bureau's stand-in at {bureau.base_url} does not answer ({error}). "
            "`make up` starts it; QSFUND_FINANCE_STANDIN points elsewhere."
        ) from None
    released: dict[str, Any] = response.json()
    return released
