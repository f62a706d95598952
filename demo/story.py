"""The round as its people live it: the officer opens it, firms file, reviewers decide."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.policy import Policy
from shared.rules.calendar import CalendarUnknown, period_end

from .api import OFFICER, REVIEWERS, Api, DemoError, applicant
from .evidence import documents
from .firms import Firm
from .plan import Entry

MAILBOXES = ("quality", "standards", "office", "zhiliang", "admin")


def say(message: str, since: float | None = None) -> None:
    took = f"  [{time.perf_counter() - since:.1f} s]" if since is not None else ""
    print(f"{message}{took}", flush=True)


async def open_round(api: Api, budget: int, policy: Policy) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    body = {
        "name": f"2026 Quality Brand and Standardization Incentives (demo {now:%Y-%m-%d %H:%M})",
        "year": 2026,
        "opens_at": (now - timedelta(minutes=5)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        "period_start": "2025-07-01",
        "period_end": "2026-06-30",
        "budget_yuan": budget,
        "policy_version": policy.version,
        "publicity_day_kind": publicity_day_kind(policy, now),
    }
    created = await api.call("POST", "/v1/rounds", OFFICER, body)
    result: dict[str, Any] = await api.call("GET", f"/v1/rounds/{created['id']}")
    return result


def publicity_day_kind(policy: Policy, now: datetime) -> str:
    """The policy's kind of publicity days, unless the official calendar of the year they
    would run into is not yet known (late in December, before chinese-calendar carries
    the State Council's notice for the next year): intake would refuse to close such a
    round, so the demo counts calendar days then, and says so."""
    days, kind = policy.publicity.days, policy.publicity.day_kind
    try:
        # A day's margin: the demo closes its round a few minutes after opening it.
        period_end(now + timedelta(days=1), days, kind)
    except CalendarUnknown as unknown:
        say(f"  (publicity in calendar days: {unknown})")
        return "calendar"
    return kind


def filing(entry: Entry, code: str, claim: dict[str, Any], missing: str | None) -> dict[str, Any]:
    firm: Firm = entry.firm
    mailbox = MAILBOXES[sum(map(ord, firm.key)) % len(MAILBOXES)]
    return {
        "enterprise": {
            "credit_code": code,
            "name": firm.name,
            "industry": firm.industry,
            # What the round's policy (2026.4) ranks priority industries by.
            "industry_code": firm.industry_code,
        },
        "claim": claim,
        "evidence": documents(firm.name, claim, missing),
        "contact": {"email": f"{mailbox}@{firm.key}.example.cn"},
    }


async def submit(api: Api, round_id: str, entry: Entry, code: str) -> str:
    body = {"round_id": round_id, **filing(entry, code, entry.claim, entry.missing)}
    created = await api.call("POST", "/v1/applications", applicant(code), body)
    return str(created["id"])


async def refused(api: Api, round_id: str, entry: Entry, code: str, rule: str) -> None:
    """A filing the register's rules refuse at intake, before any reviewer sees it."""
    body = {"round_id": round_id, **filing(entry, code, entry.claim, entry.missing)}
    refusal = await api.refusal("POST", "/v1/applications", applicant(code), body)
    if refusal.rule != rule:
        raise DemoError(f"{entry.firm.short_name}'s filing was refused for {refusal}, not {rule}")
    say(f"intake refused {entry.firm.short_name}: {refusal.rule} ({refusal.message})")


async def review(api: Api, entries: dict[str, Entry], codes: dict[str, str]) -> None:
    """First decisions; then the amended filings come back and are found eligible."""
    for n, (application_id, entry) in enumerate(entries.items()):
        body = {"decision": entry.decision, "reason_code": entry.reason, "note": entry.note}
        path = f"/v1/applications/{application_id}/review"
        refused = await api.attempt("POST", path, REVIEWERS[n % 2], body)
        if refused is None:
            continue
        if refused.rule != "lead_disputed":
            raise DemoError(f"POST {path} answered {refused}")
        # One standard has one lead drafter. On a stack that ran the demo before, an
        # earlier round's firm (another credit code) claimed to lead the same standard.
        say(
            f"lead disputed: {entry.firm.short_name} claims to lead a standard an earlier "
            "round's enterprise also claims to lead; the reviewer confirms it as lead"
        )
        await api.call("POST", path, REVIEWERS[n % 2], {**body, "lead_decision": "confirmed_lead"})
    for n, (application_id, entry) in enumerate(entries.items()):
        if entry.amend is None:
            continue
        code = codes[entry.firm.key]
        path = f"/v1/applications/{application_id}"
        amended = filing(entry, code, entry.final_claim, None)
        await api.call("POST", f"{path}/amend", applicant(code), amended)
        body = {"decision": "eligible", "note": "Amended filing is complete."}
        await api.call("POST", f"{path}/review", REVIEWERS[n % 2], body)


async def withdraw(api: Api, entries: dict[str, Entry], codes: dict[str, str]) -> None:
    for application_id, entry in entries.items():
        if entry.withdraw:
            path = f"/v1/applications/{application_id}/withdraw"
            who = applicant(codes[entry.firm.key])
            await api.call("POST", path, who, {"reason": entry.withdraw})
            say(f"withdrawn after scoring: {entry.firm.short_name} ({entry.withdraw})")


async def close(api: Api, round_id: str) -> None:
    await api.call("POST", f"/v1/rounds/{round_id}/close", OFFICER)
