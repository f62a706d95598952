"""Benefits without application over the real stack, as processes (issue 17, part 2).

The municipal platform loads the register (a bad row reported, the rest taken) and then
submits official lists. Their units are matched to the register, a person resolves the
ambiguous one, and the applications service proposes pre-filled applications in the open
round. One is withheld: the enterprise's pilot project was already awarded in an earlier
round. One is confirmed, reviewed, scored and awarded. One is declined, and the rest
lapse when the round closes. The award traces back to the list entry it came from.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx

from services.applications.adapters.tables import register as copy
from shared.topics import Topics
from tests.e2e.conftest import Stack, wait_for_status
from tests.e2e.test_audit import audit
from tests.support.credit_codes import credit_codes
from tests.support.databases import rows_reach
from tests.support.infrastructure import Infrastructure
from tests.support.processes import ServiceProcess
from tests.support.program import CLAIMS, EVIDENCE, Program
from tests.support.tokens import Tokens

LEAD, FORMER, TWIN_A, TWIN_B, REWARDED, DECLINER, LAPSER, BAD = credit_codes(seed=97, count=8)
TWINS = "重庆渝中品质商贸有限公司"
STANDARD = "GB/T 46001-2026"
PILOT = "Smart property services of Jiefangbei"


def row(code: str, name: str, **more: Any) -> dict[str, Any]:
    return {
        "credit_code": code,
        "name": name,
        "industry_code": "G5430",
        "registered_on": "2018-03-01",
        **more,
    }


REGISTER = {
    "load_id": "cq-2026-07-01",
    "rows": [
        row(LEAD, "重庆冷链物流股份有限公司"),
        row(FORMER, "重庆渝中标准技术有限公司", former_names=["重庆渝中标准化服务有限公司"]),
        row(TWIN_A, TWINS),
        row(TWIN_B, TWINS),
        row(REWARDED, "重庆解放碑物业服务有限公司"),
        row(DECLINER, "重庆朝天门文旅有限公司"),
        row(LAPSER, "重庆菜园坝鲜供应链有限公司"),
        # A bad row: reported by its number, field and rule; the others go in.
        row(BAD, "重庆某科技有限公司", industry_code="冷链物流"),
    ],
}


def standards_list() -> dict[str, Any]:
    return {
        "list_id": "samr-2026-09",
        "kind": "standards",
        "title": "2026年第9号国家标准公告",
        "entries": [
            {
                "kind": "standard",
                "source_document": "国家标准公告2026年第9号",
                "standard_number": STANDARD,
                "title": "冷链物流 温度监测服务规范",
                "level": "national",
                "work": "formulation",
                "published_on": "2026-03-01",
                # The lead by its current name, a participant by a name it had before.
                "drafting_units": [
                    {"name": "重庆冷链物流股份有限公司"},
                    {"name": "重庆渝中标准化服务有限公司"},
                ],
            }
        ],
    }


def awards_list() -> dict[str, Any]:
    def award(winner: dict[str, str], tier: str) -> dict[str, Any]:
        return {
            "kind": "award",
            "source_document": "渝府发[2026]12号",
            "award": "mayor_quality_award",
            "tier": tier,
            "year": 2026,
            "conferred_on": "2026-04-20",
            "winner": winner,
        }

    return {
        "list_id": "cq-mayor-award-2026",
        "kind": "award_winners",
        "title": "2026年重庆市市长质量管理奖名单",
        "entries": [
            award({"name": TWINS}, "winner"),  # two enterprises of that name: a person decides
            award({"name": "朝天门文旅", "credit_code": DECLINER}, "nominee"),
        ],
    }


def pilots_list() -> dict[str, Any]:
    def pilot(name: str, code: str) -> dict[str, Any]:
        return {
            "kind": "pilot_project",
            "source_document": "渝市监发[2026]30号",
            "level": "municipal",
            "project_name": name,
            "accepted_on": "2026-05-20",
            "units": [{"name": "-", "credit_code": code}],
        }

    return {
        "list_id": "cq-pilots-2026",
        "kind": "pilot_projects",
        "title": "2026年市级标准化试点项目验收名单",
        "entries": [pilot(PILOT, REWARDED), pilot("Cold-chain hub of Caiyuanba", LAPSER)],
    }


async def proposals_when(
    api: httpx.AsyncClient, round_id: str, done: Callable[[list[dict[str, Any]]], bool]
) -> list[dict[str, Any]]:
    """The round's proposals once `done` holds of them (at most 60 s), polled."""
    found: list[dict[str, Any]] = []
    for _ in range(240):
        found = (await api.get("/v1/proposals", params={"round_id": round_id})).json()["items"]
        if done(found):
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"proposals not as awaited: {found}")


def states_of(items: list[dict[str, Any]]) -> dict[str, str]:
    return {p["credit_code"]: p["state"] for p in items}


async def test_official_lists_become_proposals_and_one_an_award(
    stack: Stack,
    register: ServiceProcess,
    tokens: Tokens,
    infra: Infrastructure,
    stack_topics: Topics,
) -> None:
    platform, reviewer = tokens.headers("platform"), tokens.headers("reviewer")
    async with (
        httpx.AsyncClient(base_url=register.url, timeout=30) as registry,
        httpx.AsyncClient(
            base_url=stack.applications.url, headers=tokens.headers("auditor"), timeout=30
        ) as api,
    ):
        loaded = await registry.post("/v1/register/loads", json=REGISTER, headers=platform)
        assert loaded.status_code == 200, loaded.text
        answer = loaded.json()
        assert (answer["rows"], answer["accepted"], answer["rejected"]) == (8, 7, 1)
        [problem] = answer["problems"]
        assert (problem["row"], problem["field"]) == (8, "industry_code")

        program = Program(api, tokens)
        # An earlier round rewarded REWARDED's pilot project already.
        earlier = await program.open_round(budget=1_000_000)
        await rows_reach(stack.databases["applications"], copy.load, 1)
        rewarded = await program.submit(
            earlier, REWARDED, {**CLAIMS["pilot"], "project_name": PILOT}
        )
        await program.review(rewarded)
        await wait_for_status(api, [rewarded], {"scored"})
        await program.close(earlier)
        await wait_for_status(api, [rewarded], {"awarded"})

        round_id = await program.open_round(budget=2_000_000)
        for body in (standards_list(), awards_list(), pilots_list()):
            taken = await registry.post("/v1/official-lists", json=body, headers=platform)
            assert taken.status_code == 200, taken.text
        awards = (
            await registry.get("/v1/official-lists/cq-mayor-award-2026", headers=reviewer)
        ).json()
        assert awards["ambiguous"] == 1
        queue = await registry.get(
            "/v1/official-lists/cq-mayor-award-2026/units",
            params={"state": "ambiguous"},
            headers=reviewer,
        )
        [unit] = queue.json()["units"]
        assert sorted(unit["candidates"]) == sorted([TWIN_A, TWIN_B])
        resolved = await registry.post(
            f"/v1/official-lists/cq-mayor-award-2026/entries/{unit['entry']}/units/{unit['unit']}/resolve",
            json={"credit_code": TWIN_A, "note": "the announcement gives its address"},
            headers=reviewer,
        )
        assert resolved.status_code == 200, resolved.text

        made = {
            p["credit_code"]: p
            for p in await proposals_when(api, round_id, lambda found: len(found) >= 6)
        }
        assert states_of(list(made.values())) == {
            LEAD: "open",
            FORMER: "open",
            TWIN_A: "open",
            DECLINER: "open",
            LAPSER: "open",
            REWARDED: "withheld",
        }
        assert made[REWARDED]["reason"] == "already_rewarded"
        assert made[REWARDED]["covered_by"]["id"] == rewarded
        assert made[LEAD]["claim"]["role"] == "lead"
        assert made[FORMER]["claim"]["role"] == "participant"
        assert made[TWIN_A]["claim"]["tier"] == "winner"

        lead = made[LEAD]
        confirmed = await api.post(
            f"/v1/proposals/{lead['id']}/confirm",
            json={
                "contact": {"email": "office@cq-coldchain.example.cn"},
                "commitment": EVIDENCE[0],
            },
            headers=tokens.applicant(LEAD),
        )
        assert confirmed.status_code == 201, confirmed.text
        application_id = confirmed.json()["id"]
        declined = await api.post(
            f"/v1/proposals/{made[DECLINER]['id']}/decline",
            json={"reason": "we did not take part in the award this year"},
            headers=tokens.applicant(DECLINER),
        )
        assert declined.status_code == 202, declined.text
        # Confirmed once: not again, nor declined after.
        again = await api.post(
            f"/v1/proposals/{lead['id']}/decline", json={}, headers=tokens.applicant(LEAD)
        )
        assert again.status_code == 409

        view = (await api.get(f"/v1/applications/{application_id}")).json()
        assert view["proposal_id"] == lead["id"]
        assert view["source"]["list_id"] == "samr-2026-09"
        await program.review(application_id)
        await wait_for_status(api, [application_id], {"scored"})
        await program.close(round_id)
        await wait_for_status(api, [application_id], {"awarded"})
        after_close = {
            LEAD: "confirmed",
            FORMER: "lapsed",
            TWIN_A: "lapsed",
            DECLINER: "declined",
            LAPSER: "lapsed",
            REWARDED: "withheld",
        }
        await proposals_when(api, round_id, lambda found: states_of(found) == after_close)

    # The auditor finds nothing wrong in the history, and the award's trail goes back to
    # the list entry it came from.
    verified = audit(infra, stack_topics, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    trail = audit(infra, stack_topics, "trail", application_id)
    assert trail.returncode == 0, trail.stdout + trail.stderr
    types = [entry["event_type"] for entry in json.loads(trail.stdout)]
    assert types[:4] == [
        "OfficialListReceived",
        "OfficialListMatched",
        "ApplicationProposed",
        "ProposalConfirmed",
    ], types
