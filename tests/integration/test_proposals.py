"""Benefits without application, over the real broker and database: the register's
matches of an official list become pre-filled proposals in the open round; a unit whose
achievement the enterprise already claims is withheld, naming what covers it; a
confirmation files an application that is reviewed like any other; a decline and a
second answer are refused as the rules say; what the round's period does not cover is
not proposed; a redelivered match proposes nothing twice; closing the round lapses what
is left open."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest

from services.applications.adapters.tables import proposal, register
from services.applications.bootstrap import PROJECTION, projection_topics
from shared.contracts.lists import (
    AwardEntry,
    ListEntry,
    NamedUnit,
    OfficialListUnitResolved,
    PilotProjectEntry,
    UnitMatch,
)
from shared.log_reader import read_values
from shared.rebuild import fingerprints, rebuild
from shared.topics import Topics
from tests.support.applications_service import applications_running
from tests.support.credit_codes import credit_codes
from tests.support.databases import rows_reach
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.official_lists import (
    CONFIRMATION,
    matched,
    official_list,
    records,
    register_load,
    standard,
)
from tests.support.program import EVIDENCE, Program
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
LEAD, DRAFTER, WINNER, PILOT, LATE = credit_codes(seed=71, count=5)


async def confirm(
    program: Program, proposal_id: str, headers: dict[str, str], **body: Any
) -> httpx.Response:
    """The enterprise (or its platform) confirms, with the body given or a whole one."""
    return await program.api.post(
        f"/v1/proposals/{proposal_id}/confirm", json=body or CONFIRMATION, headers=headers
    )


ENTRIES: list[ListEntry] = [
    standard("GB/T 45001-2026", date(2026, 2, 10), units=2),
    AwardEntry(
        kind="award",
        source_document="渝府发[2026]5号",
        award="mayor_quality_award",
        tier="winner",
        year=2026,
        conferred_on=date(2026, 3, 15),
        winner=NamedUnit(name="获奖企业", credit_code=WINNER),
    ),
    PilotProjectEntry(
        kind="pilot_project",
        source_document="渝市监发[2026]9号",
        level="municipal",
        project_name="智慧物业服务标准化试点",
        accepted_on=date(2026, 5, 20),
        units=[NamedUnit(name="试点单位")],
    ),
    # Published before the round's period: no round covers it.
    standard("GB/T 39999-2024", date(2024, 1, 5), units=1),
    # Two enterprises of that name: a person decides (OfficialListUnitResolved).
    standard("DB50/T 1200-2026", date(2026, 4, 1), units=1),
]
MATCHES = [
    matched(1, 0, LEAD),
    matched(1, 1, DRAFTER),
    matched(2, 0, WINNER),
    matched(3, 0, PILOT),
    matched(4, 0, LATE),
    UnitMatch(entry=5, unit=0, outcome="ambiguous", candidates=[LATE, PILOT]),
]


@pytest.fixture
async def program(
    infra: Infrastructure, topics: Topics, tokens: Tokens
) -> AsyncIterator[tuple[Program, str]]:
    async with applications_running(infra, topics, tokens) as running:
        yield running


async def proposals(
    program: Program, headers: dict[str, str], **query: str
) -> list[dict[str, Any]]:
    answer = await program.api.get("/v1/proposals", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def test_a_matched_list_is_proposed_confirmed_declined_withheld_and_lapsed(
    program: tuple[Program, str], infra: Infrastructure, topics: Topics
) -> None:
    filings, database = program
    officer = filings.tokens.headers("program_officer")
    round_id = await filings.open_round(1_000_000)
    register_events = register_load("load-1", [LEAD, DRAFTER, WINNER, PILOT, LATE])
    await produce(infra.kafka_bootstrap, topics.register, records(register_events))
    await rows_reach(database, register.enterprise, 5)
    # The winner already applied for its title itself: the list proposes nothing more.
    claimed = await filings.submit(
        round_id,
        WINNER,
        {
            "category": "quality_brand",
            "award": "mayor_quality_award",
            "tier": "winner",
            "year": 2026,
            "conferred_on": "2026-03-15",
        },
    )

    the_list = official_list("samr-2026-03", ENTRIES, MATCHES)
    list_records = records(the_list)
    await produce(infra.kafka_bootstrap, topics.register, list_records)
    await rows_reach(database, proposal, 4)

    made = {p["credit_code"]: p for p in await proposals(filings, officer, round_id=round_id)}
    assert set(made) == {LEAD, DRAFTER, WINNER, PILOT}  # LATE's standard is outside the period
    lead, drafter, winner, pilot = made[LEAD], made[DRAFTER], made[WINNER], made[PILOT]
    assert (lead["state"], lead["claim"]["role"], drafter["claim"]["role"]) == (
        "open",
        "lead",
        "participant",
    )
    assert lead["claim"]["standard_number"] == "GB/T 45001-2026"
    assert lead["enterprise"] == {
        "credit_code": LEAD,
        "name": f"重庆企业{LEAD[-6:]}有限公司",
        "industry": "道路运输业",
        # The proposal's event carries the register's code; its row does not keep it.
        "industry_code": None,
    }
    assert lead["source"] == {
        "list_id": "samr-2026-03",
        "entry": 1,
        "unit": 0,
        "document": "国家标准公告2026年第3号",
        "entry_as_listed": None,
    }
    assert (winner["state"], winner["reason"]) == ("withheld", "already_claimed")
    assert winner["covered_by"] == {"kind": "application", "id": claimed, "state": "claimed"}
    assert pilot["claim"] == {
        "category": "pilot_project",
        "level": "municipal",
        "project_name": "智慧物业服务标准化试点",
        "accepted_on": "2026-05-20",
    }

    # An enterprise sees its own proposals, and no other's.
    own = await proposals(filings, filings.tokens.applicant(LEAD))
    assert [p["id"] for p in own] == [lead["id"]]
    hidden = await filings.api.get(
        f"/v1/proposals/{drafter['id']}", headers=filings.tokens.applicant(LEAD)
    )
    assert hidden.status_code == 404
    one = await filings.api.get(f"/v1/proposals/{lead['id']}", headers=officer)
    assert one.json()["source"]["entry_as_listed"]["standard_number"] == "GB/T 45001-2026"

    # Confirming needs the signed commitment; a retry with its key is answered alike.
    as_lead = filings.tokens.applicant(LEAD)
    unsigned = await confirm(
        filings, lead["id"], as_lead, contact=CONFIRMATION["contact"], evidence=EVIDENCE
    )
    assert unsigned.status_code == 422, unsigned.text
    assert unsigned.json()["errors"][0]["field"] == "commitment"
    keyed = {**as_lead, "Idempotency-Key": "confirm-lead-1"}
    confirmed = await confirm(filings, lead["id"], keyed)
    assert confirmed.status_code == 201, confirmed.text
    application_id = confirmed.json()["id"]
    assert (await confirm(filings, lead["id"], keyed)).json()["id"] == application_id
    again = await confirm(filings, lead["id"], as_lead)
    assert again.status_code == 409, again.text
    assert again.json()["errors"][0]["rule"] == "proposal_open"

    # The application goes to review like any, showing where it came from.
    await filings.review(application_id, "eligible")
    filed = await filings.status(application_id)
    assert (filed["status"], filed["proposal_id"], filed["credit_code"]) == (
        "eligible",
        lead["id"],
        LEAD,
    )
    assert filed["source"] == {
        "list_id": "samr-2026-03",
        "entry": 1,
        "unit": 0,
        "document": "国家标准公告2026年第3号",
    }

    listed = await filings.api.get(f"/v1/enterprises/{LEAD}/applications")
    assert [(a["proposal_id"], a["source"]) for a in listed.json()] == [
        (lead["id"], filed["source"])
    ]

    decline = f"/v1/proposals/{drafter['id']}/decline"
    declined = await filings.api.post(
        decline,
        json={"reason": "we only reviewed the draft"},
        headers=filings.tokens.applicant(DRAFTER),
    )
    assert declined.status_code == 202, declined.text
    twice = await filings.api.post(decline, json={}, headers=filings.tokens.applicant(DRAFTER))
    assert twice.status_code == 409
    assert twice.json()["errors"][0]["rule"] == "proposal_open"

    # The same list delivered again (the same records: the inbox knows them) and sealed
    # again (new event ids, as a register rebuilt from its log would publish it: the
    # proposal ids are the same) proposes nothing twice; the person's resolution that
    # follows is proposed, which says both were read.
    resolved = OfficialListUnitResolved(
        list_id="samr-2026-03", entry=5, unit=0, credit_code=LATE, resolved_by="officer-zhao"
    )
    again_and_resolved = records([*the_list, resolved])
    await produce(infra.kafka_bootstrap, topics.register, [*list_records, *again_and_resolved])
    await rows_reach(database, proposal, 5)
    everything = await proposals(filings, officer)
    assert len(everything) == 5
    assert {p["credit_code"] for p in everything if p["state"] == "open"} == {PILOT, LATE}
    # Pages of two, each after the last id of the one before, list each proposal once.
    paged: list[str] = []
    cursor: str | None = None
    for _ in range(3):
        query = {"limit": 2} | ({"after": cursor} if cursor else {})
        page = (await filings.api.get("/v1/proposals", params=query, headers=officer)).json()
        paged += [p["id"] for p in page["items"]]
        cursor = page["next_after"]
    assert cursor is None
    assert paged == sorted(p["id"] for p in everything)

    await filings.close(round_id)
    after = {p["credit_code"]: p["state"] for p in await proposals(filings, officer)}
    assert after == {
        LEAD: "confirmed",
        DRAFTER: "declined",
        WINNER: "withheld",
        PILOT: "lapsed",
        LATE: "lapsed",
    }
    platform = filings.tokens.headers("platform", sub="chongqing-gov-platform")
    late = await confirm(filings, made[PILOT]["id"], platform)
    assert late.status_code == 409
    assert late.json()["errors"][0]["rule"] == "proposal_open"

    # The projection rebuilt from the topics has the same proposals and entries (once
    # the relay has published the last events: until then the two differ).
    for _ in range(100):
        records_now = await read_values(infra.kafka_bootstrap, projection_topics(topics))
        await rebuild(database, "rebuilt", PROJECTION, records_now)
        live = await fingerprints(database, "public", PROJECTION)
        if live == await fingerprints(database, "rebuilt", PROJECTION):
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError(f"the rebuilt projection differs: {live}")
    assert live["proposal"].startswith("5 rows")
    assert live["official_list_entry"].startswith("5 rows")
