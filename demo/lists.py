"""Benefits without application (免申即享) in the demo's round: the market-regulation
bureau's platform loads the district's register and submits two official lists; the
applications service proposes what the lists name that the firms have not filed. A firm's
standard already filed is withheld, one proposal is declined and one, left unconfirmed,
lapses when the round closes. No proposal is confirmed here, so the round's allocation
stays what the demo's plan expects (tests/e2e/test_official_lists.py confirms one and
takes it to an award)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from .api import Api, DemoError, Who, applicant
from .firms import FIRMS, YUZHONG, Firm
from .plan import Entry
from .story import say

PLATFORM = Who("platform", "cq-samr-platform")
# The standard whose drafting units the list names: the cold-chain firm leads it (and
# filed it), the testing firm took part (and did not file).
LEAD, PARTICIPANT = FIRMS["jfb-coldchain"], FIRMS["huazhi-test"]
PILOT_FIRM = FIRMS["eling-expo"]
PILOT = "Standardization of exhibition and convention services"


@dataclass
class Proposals:
    """The round's proposals as the lists left them, by credit code."""

    by_code: dict[str, dict[str, Any]]
    declined: str  # the credit code of the firm that declined
    lapsing: str  # the credit code of the firm whose proposal waits for the close


def register_rows(codes: dict[str, str]) -> list[dict[str, Any]]:
    """The district's enterprises: every firm of Yuzhong (the Yubei firm is not in the
    district's register), the one on the serious-dishonesty list with its listing."""
    rows = []
    for key, firm in FIRMS.items():
        if firm.region != YUZHONG:
            continue
        row: dict[str, Any] = {
            "credit_code": codes[key],
            "name": firm.name,
            "industry_code": firm.industry_code,
            "registered_on": "2015-03-01",
        }
        if key == "zhitong-park":
            row["dishonesty"] = [{"listed_on": "2024-03-15", "reference": "信用中国2024-0315"}]
        rows.append(row)
    return rows


def standards_list(
    round_id: str, standard: dict[str, Any], codes: dict[str, str]
) -> dict[str, Any]:
    return {
        "list_id": f"samr-std-{round_id[:8]}",
        "kind": "standards",
        "title": "National standards announcement (国家标准公告)",
        "entries": [
            {
                "kind": "standard",
                "source_document": "国家标准公告2026年第5号",
                "standard_number": standard["standard_number"],
                "title": standard["title"],
                "level": standard["level"],
                "work": standard["work"],
                "published_on": standard["published_on"],
                # By code as well as name: a stack that ran the demo before holds the
                # same names under earlier rounds' codes, which a name alone would make
                # ambiguous (a person's to resolve).
                "drafting_units": [
                    {"name": LEAD.name, "credit_code": codes[LEAD.key]},
                    {"name": PARTICIPANT.name, "credit_code": codes[PARTICIPANT.key]},
                ],
            }
        ],
    }


def pilots_list(round_id: str, code: str) -> dict[str, Any]:
    return {
        "list_id": f"cq-pilots-{round_id[:8]}",
        "kind": "pilot_projects",
        "title": "Municipal standardization pilot projects accepted (试点项目验收名单)",
        "entries": [
            {
                "kind": "pilot_project",
                "source_document": "渝市监发2026年第30号",
                "level": "municipal",
                "project_name": PILOT,
                "accepted_on": "2026-04-28",
                "units": [{"name": PILOT_FIRM.name, "credit_code": code}],
            }
        ],
    }


def _filed_standard(entries: dict[str, Entry], firm: Firm) -> dict[str, Any]:
    for entry in entries.values():
        if entry.firm == firm and entry.claim["category"] == "standard":
            return entry.claim
    raise DemoError(f"the demo's plan has no standard filed by {firm.short_name}")


# The plan's filings intake refuses once the register is in use: the reason a reviewer
# would have given, and the register's rule that now refuses them first.
REFUSED_AT_INTAKE = {
    "not_in_district": "registered_in_district",
    "dishonesty_list": "not_on_dishonesty_list",
}


async def load_register(
    api: Api, register: Api, round_id: str, codes: dict[str, str], patience: float
) -> None:
    """Before any filing: the platform loads the district's register, so intake holds
    every filing to it."""
    started = time.perf_counter()
    body = {"load_id": f"demo-{round_id[:8]}", "rows": register_rows(codes)}
    loaded = await register.call("POST", "/v1/register/loads", PLATFORM, body)
    # Intake reads the load from the register topic: filings wait until it has.
    deadline = time.monotonic() + patience
    while await api.found(f"/v1/register/loads/{body['load_id']}", PLATFORM) is None:
        if time.monotonic() > deadline:
            raise DemoError(
                f"after {patience:.0f} s intake has not read the register load: is the "
                "applications service reading the register topic?"
            )
        await asyncio.sleep(0.2)
    say(
        "the market-regulation bureau's platform loaded the district's register: "
        f"{loaded['accepted']} enterprises, one on the serious-dishonesty list; intake "
        "holds every filing to it",
        started,
    )


async def official_lists(
    api: Api,
    register: Api,
    round_id: str,
    entries: dict[str, Entry],
    codes: dict[str, str],
    patience: float,
) -> Proposals:
    started = time.perf_counter()
    say("benefits without application (免申即享): the platform submits two official lists")
    standard = _filed_standard(entries, LEAD)
    for listed in (
        standards_list(round_id, standard, codes),
        pilots_list(round_id, codes[PILOT_FIRM.key]),
    ):
        taken = await register.call("POST", "/v1/official-lists", PLATFORM, listed)
        say(f"  {listed['title']}: {taken['units']} units, matched {_matched(taken)}")
    by_code = await _proposals(api, round_id, 3, patience)
    lead, participant = codes[LEAD.key], codes[PARTICIPANT.key]
    withheld = by_code[lead]
    say(
        f"  {standard['standard_number']}: {LEAD.short_name}'s lead {withheld['state']} "
        f"({withheld['reason']}: it filed the standard itself); {PARTICIPANT.short_name}'s "
        f"part {by_code[participant]['state']} to it",
        started,
    )
    say(f"  {PILOT}: {by_code[codes[PILOT_FIRM.key]]['state']} to {PILOT_FIRM.short_name}")
    await api.call(
        "POST",
        f"/v1/proposals/{by_code[participant]['id']}/decline",
        applicant(participant),
        {"reason": "We reviewed the draft only; we did not draft it."},
    )
    say(f"  {PARTICIPANT.short_name} declines: it reviewed the draft only")
    return Proposals(by_code, declined=participant, lapsing=codes[PILOT_FIRM.key])


async def after_close(api: Api, round_id: str, shown: Proposals, patience: float) -> None:
    """The proposal nobody confirmed lapses with the round's closing."""
    by_code = await _proposals(api, round_id, 3, patience, state="lapsed")
    say(
        f"  {PILOT_FIRM.short_name}'s proposal {by_code[shown.lapsing]['state']} at the close, "
        f"unconfirmed; {PARTICIPANT.short_name}'s stays {by_code[shown.declined]['state']}"
    )


def _matched(taken: dict[str, Any]) -> str:
    return ", ".join(f"{n} by {way.replace('_', ' ')}" for way, n in taken["matched"].items() if n)


async def _proposals(
    api: Api, round_id: str, count: int, patience: float, state: str | None = None
) -> dict[str, dict[str, Any]]:
    """The round's proposals once there are `count` (and one is in `state`, if given)."""
    deadline = time.monotonic() + patience
    while True:
        page = await api.call("GET", f"/v1/proposals?round_id={round_id}")
        by_code = {p["credit_code"]: p for p in page["items"]}
        states = {p["state"] for p in page["items"]}
        if len(by_code) >= count and (state is None or state in states):
            return by_code
        if time.monotonic() > deadline:
            raise DemoError(
                f"after {patience:.0f} s the round has {len(by_code)} proposals, not {count}"
                f"{'' if state is None else ' with one ' + state}: is the register service "
                "running (QSFUND_REGISTER_API), and the applications service reading its topic?"
            )
        await asyncio.sleep(0.25)
