"""Official lists over the real PostgreSQL and Kafka: a list of standards matched to a
register the platform loaded (by code, by name, by former name, ambiguous, unmatched for
each reason), its events on the topic, a person's resolution of the ambiguous unit, the
same list again, a list refused whole naming every bad entry, and the lists' tables
rebuilt from the topic equal to the live ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from services.register.bootstrap import PROJECTION, RegisterSettings, build_app
from shared.contracts import parse_payload
from shared.contracts.lists import (
    OfficialListEntries,
    OfficialListMatched,
    OfficialListReceived,
    OfficialListUnitResolved,
)
from shared.envelope import Envelope
from shared.rebuild import fingerprints, rebuild
from shared.topics import Topics
from tests.support.credit_codes import credit_codes
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import read_all
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
A, B, C, D, E, F, G, H = credit_codes(seed=17, count=8)
LISTS = "/v1/official-lists"
# Full-width brackets, as Chinese names often have them.
L, R = "\N{FULLWIDTH LEFT PARENTHESIS}", "\N{FULLWIDTH RIGHT PARENTHESIS}"


@pytest.fixture
async def database(infra: Infrastructure) -> str:
    return await fresh_database(infra.postgres_url, "register")


@pytest.fixture
async def register(
    infra: Infrastructure, topics: Topics, tokens: Tokens, database: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with served(infra, topics, tokens, database) as api:
        yield api


@asynccontextmanager
async def served(
    infra: Infrastructure, topics: Topics, tokens: Tokens, database: str, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The register service with the platform's register loaded."""
    app = build_app(
        RegisterSettings(
            register_database_url=database,
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            qsfund_topic_namespace=topics.namespace,
            qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
            **settings,
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://register") as api,
    ):
        await until_ready(api)
        loaded = await api.post(
            "/v1/register/loads",
            json={"load_id": "cq-2026-06", "rows": REGISTER},
            headers=tokens.headers("platform"),
        )
        assert loaded.json()["accepted"] == len(REGISTER), loaded.text
        yield api


def enterprise(code: str, name: str, **fields: Any) -> dict[str, Any]:
    record = {"credit_code": code, "name": name, "industry_code": "M74"}
    return record | {"registered_on": "2015-01-01"} | fields


REGISTER = [
    enterprise(A, "重庆冷链物流有限公司"),
    enterprise(B, "重庆质量检测(集团)有限公司"),
    enterprise(C, "渝中新名有限公司", former_names=["渝中旧名有限公司"]),
    enterprise(D, "重庆同名商贸有限公司"),
    enterprise(E, "重庆同名商贸有限公司", registered_on="2018-05-01"),
    enterprise(F, "重庆已注销有限公司", deregistered_on="2026-01-31"),
    enterprise(H, "重庆新设有限公司", registered_on="2026-05-01"),
]


def unit(name: str, code: str | None = None) -> dict[str, Any]:
    return {"name": name} | ({"credit_code": code} if code else {})


def standard(number: str, *units: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "kind": "standard",
        "source_document": "国家标准公告2026年第3号",
        "standard_number": number,
        "title": "冷链物流服务质量",
        "level": "national",
        "work": "formulation",
        "published_on": "2026-02-10",
        "drafting_units": list(units),
    } | fields


LIST = {
    "list_id": "samr-2026-03",
    "kind": "standards",
    "title": "2026年第3号国家标准公告",
    "entries": [
        standard(
            "GB/T 45678-2026",
            unit(f"某冷链公司{L}名称已变更{R}", A),  # the code is the identity
            unit(f" 重庆质量检测{L}集团{R}有限公司 "),  # full-width brackets, spaces
            unit("渝中旧名有限公司"),  # a former name
        ),
        standard(
            "GB/T 45679-2026",
            unit("重庆同名商贸有限公司"),  # two enterprises
            unit("重庆已注销有限公司"),
            unit("外区企业有限公司", G),  # a valid code the register lacks
            unit("查无此名有限公司"),
        ),
        standard("GB/T 45680-2026", unit("重庆新设有限公司")),  # registered after
    ],
}


async def test_a_list_is_matched_unit_by_unit_and_says_why(
    register: httpx.AsyncClient, tokens: Tokens, infra: Infrastructure, topics: Topics
) -> None:
    taken = await register.post(LISTS, json=LIST, headers=tokens.headers("platform"))
    assert taken.status_code == 200, taken.text
    summary = taken.json()
    assert (summary["entries"], summary["units"]) == (3, 8)
    assert summary["matched"] == {"credit_code": 1, "name": 1, "former_name": 1}
    assert (summary["ambiguous"], summary["unmatched"]) == (1, 4)
    assert summary["submitted_by"] == "chongqing-gov-platform"

    reader = tokens.headers("auditor")
    units = (await register.get(f"{LISTS}/samr-2026-03/units", headers=reader)).json()["units"]
    found = {(u["entry"], u["unit"]): u for u in units}
    assert [(u["state"], u["matched_by"], u["credit_code"]) for u in units[:3]] == [
        ("matched", "credit_code", A),
        ("matched", "name", B),
        ("matched", "former_name", C),
    ]
    assert "the register names it 重庆冷链物流有限公司" in found[1, 0]["reason"]
    assert found[2, 0]["candidates"] == sorted([D, E])
    rules = [found[key]["reason"].split(":")[0] for key in [(2, 1), (2, 2), (2, 3), (3, 0)]]
    assert rules == ["deregistered", "not_in_register", "name_not_in_register", "registered_after"]
    assert found[2, 2]["listed_credit_code"] == G
    assert found[1, 1]["listed_entry"]["standard_number"] == "GB/T 45678-2026"

    # On the topic, as the applications service reads them: receipt, entries, matches.
    records = await read_all(infra.kafka_bootstrap, topics.register, expect=4)
    events = [parse_payload(Envelope.decode(r.value)) for r in records]
    lists = [e for e in events if getattr(e, "list_id", None) == "samr-2026-03"]
    assert [type(e) for e in lists] == [
        OfficialListReceived,
        OfficialListEntries,
        OfficialListMatched,
    ]
    matched = lists[2]
    assert isinstance(matched, OfficialListMatched)
    assert [(m.entry, m.unit, m.outcome) for m in matched.matches][:2] == [
        (1, 0, "matched"),
        (1, 1, "matched"),
    ]


async def test_a_person_resolves_the_ambiguous_unit_once(
    register: httpx.AsyncClient, tokens: Tokens, infra: Infrastructure, topics: Topics
) -> None:
    await register.post(LISTS, json=LIST, headers=tokens.headers("platform"))
    reviewer = tokens.headers("reviewer", sub="reviewer-wang")
    queue = await register.get(f"{LISTS}/samr-2026-03/units?state=ambiguous", headers=reviewer)
    [open_unit] = queue.json()["units"]
    path = f"{LISTS}/samr-2026-03/entries/{open_unit['entry']}/units/{open_unit['unit']}/resolve"

    unknown = await register.post(path, json={"credit_code": G, "note": "外区"}, headers=reviewer)
    assert (unknown.status_code, unknown.json()["errors"][0]["rule"]) == (422, "in_register")
    gone = await register.post(path, json={"credit_code": F, "note": "x"}, headers=reviewer)
    assert (gone.status_code, gone.json()["errors"][0]["rule"]) == (422, "not_deregistered")

    note = "标准前言写明统一社会信用代码"
    resolved = await register.post(path, json={"credit_code": E, "note": note}, headers=reviewer)
    assert resolved.status_code == 200, resolved.text
    answer = resolved.json()
    assert (answer["state"], answer["outcome"]) == ("resolved", "ambiguous")
    assert answer["resolution"]["credit_code"] == E
    assert answer["resolution"]["resolved_by"] == "reviewer-wang"

    # The same decision again (a retry) answers the unit as it stands; another is refused.
    retried = await register.post(path, json={"credit_code": E, "note": note}, headers=reviewer)
    assert (retried.status_code, retried.json()) == (200, answer)
    again = await register.post(path, json={"credit_code": D, "note": "x"}, headers=reviewer)
    assert (again.status_code, again.json()["errors"][0]["rule"]) == (409, "already_resolved")
    by_rule = f"{LISTS}/samr-2026-03/entries/1/units/0/resolve"
    matched = await register.post(
        by_rule, json={"credit_code": None, "note": "x"}, headers=reviewer
    )
    assert (matched.status_code, matched.json()["errors"][0]["rule"]) == (409, "matched_by_rule")
    none = f"{LISTS}/samr-2026-03/entries/2/units/3/resolve"
    nobody = await register.post(
        none, json={"credit_code": None, "note": "非本区企业"}, headers=reviewer
    )
    assert nobody.json()["resolution"]["credit_code"] is None

    summary = (await register.get(f"{LISTS}/samr-2026-03", headers=reviewer)).json()
    assert (summary["ambiguous"], summary["unmatched"]) == (0, 3)
    assert summary["resolved"] == {"to_enterprise": 1, "to_none": 1}
    # The list sent again (a retry) answers as taking it first did, before any resolution.
    again = await register.post(LISTS, json=LIST, headers=tokens.headers("platform"))
    assert (again.json()["ambiguous"], again.json()["unmatched"]) == (1, 4)
    assert again.json()["resolved"] == {"to_enterprise": 0, "to_none": 0}
    queue = await register.get(f"{LISTS}/samr-2026-03/units?state=ambiguous", headers=reviewer)
    assert queue.json()["units"] == []

    records = await read_all(infra.kafka_bootstrap, topics.register, expect=6)
    events = [parse_payload(Envelope.decode(r.value)) for r in records]
    resolutions = [e for e in events if isinstance(e, OfficialListUnitResolved)]
    assert [(r.entry, r.unit, r.credit_code, r.note) for r in resolutions] == [
        (2, 0, E, note),
        (2, 3, None, "非本区企业"),
    ]


async def test_the_same_list_again_answers_the_first_result_and_another_body_is_refused(
    register: httpx.AsyncClient, tokens: Tokens
) -> None:
    platform = tokens.headers("platform")
    first = await register.post(LISTS, json=LIST, headers=platform)
    again = await register.post(LISTS, json=LIST, headers=platform)
    assert again.status_code == 200
    assert again.json() == first.json()
    other = await register.post(LISTS, json={**LIST, "title": "另一份"}, headers=platform)
    assert (other.status_code, other.json()["errors"][0]["rule"]) == (409, "same_list")
    # A list cannot take a register load's id: one stream per id in the event store.
    load_id = await register.post(LISTS, json={**LIST, "list_id": "cq-2026-06"}, headers=platform)
    assert (load_id.status_code, load_id.json()["errors"][0]["rule"]) == (409, "id_free")
    load = await register.post(
        "/v1/register/loads", json={"load_id": "samr-2026-03", "rows": []}, headers=platform
    )
    assert (load.status_code, load.json()["errors"][0]["field"]) == (409, "load_id")


async def test_a_list_with_bad_entries_is_refused_whole_naming_every_one(
    register: httpx.AsyncClient, tokens: Tokens
) -> None:
    platform = tokens.headers("platform")
    bad_code = A[:17] + ("0" if A[17] != "0" else "1")
    body = {
        **LIST,
        "entries": [
            standard("GB/T 1-2026", unit("甲", bad_code)),
            standard("GB/T 2-2026", unit("乙"), published_on="2026-02-30"),
            {
                "kind": "award",
                "source_document": "渝府[2026]1号",
                "award": "mayor_quality_award",
                "tier": "winner",
                "year": 2026,
                "conferred_on": "2026-03-01",
                "winner": {"name": "丙"},
            },
            standard("GB/T 4-2026", unit("丁"), drafting_units=[], colour="red"),
            standard("GB/T 5-2026", unit("戊")),
        ],
    }
    refused = await register.post(LISTS, json=body, headers=platform)
    assert refused.status_code == 422
    problems = [(p["field"], p["rule"]) for p in refused.json()["errors"]]
    assert problems == [
        ("entries.0.drafting_units.0.credit_code", "checksum"),
        ("entries.1.published_on", "date_from_datetime_parsing"),
        ("entries.2.kind", "list_kind"),
        ("entries.3.drafting_units", "too_short"),
        ("entries.3.colour", "extra_forbidden"),
    ]
    # Nothing was taken: the id is free for the list once it is mended.
    missing = await register.get(f"{LISTS}/samr-2026-03", headers=platform)
    assert missing.status_code == 404
    taken = await register.post(LISTS, json=LIST, headers=platform)
    assert taken.status_code == 200


async def test_units_are_read_a_page_at_a_time(register: httpx.AsyncClient, tokens: Tokens) -> None:
    await register.post(LISTS, json=LIST, headers=tokens.headers("platform"))
    officer = tokens.headers("program_officer")
    seen: list[tuple[int, int]] = []
    after = ""
    while True:
        page = await register.get(f"{LISTS}/samr-2026-03/units?limit=3{after}", headers=officer)
        seen += [(u["entry"], u["unit"]) for u in page.json()["units"]]
        if page.json()["next"] is None:
            break
        after = f"&after={page.json()['next']}"
    assert seen == [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2), (2, 3), (3, 0)]


async def test_the_lists_rebuilt_from_the_topic_equal_the_live_tables(
    register: httpx.AsyncClient,
    tokens: Tokens,
    infra: Infrastructure,
    topics: Topics,
    database: str,
) -> None:
    await register.post(LISTS, json=LIST, headers=tokens.headers("platform"))
    path = f"{LISTS}/samr-2026-03/entries/2/units/0/resolve"
    await register.post(
        path, json={"credit_code": D, "note": "核实"}, headers=tokens.headers("reviewer")
    )
    records = await read_all(infra.kafka_bootstrap, topics.register, expect=6)
    await rebuild(database, "rebuilt", PROJECTION, [r.value for r in records])
    live = await fingerprints(database, "public", PROJECTION)
    again = await fingerprints(database, "rebuilt", PROJECTION)
    assert live == again
    assert live["official_list_unit"].startswith("8 rows")


async def test_a_list_may_be_larger_than_other_routes_take_up_to_its_own_limit(
    infra: Infrastructure, topics: Topics, tokens: Tokens, database: str
) -> None:
    entries = [standard(f"GB/T {n}-2026", unit(f"企业{n}有限公司")) for n in range(100)]
    large = {**LIST, "entries": entries}  # about 28 KB: over the 16 KiB of other routes
    async with served(infra, topics, tokens, database, register_max_list_bytes=40 * 1024) as api:
        taken = await api.post(LISTS, json=large, headers=tokens.headers("platform"))
        assert taken.status_code == 200, taken.text
        assert taken.json()["units"] == 100
        too_large = {**large, "list_id": "too-large", "entries": entries * 2}
        refused = await api.post(LISTS, json=too_large, headers=tokens.headers("platform"))
        assert refused.status_code == 413
        assert refused.json()["errors"][0]["rule"] == "body_too_large"


async def test_a_body_that_is_not_a_json_list_is_refused_naming_why(
    register: httpx.AsyncClient, tokens: Tokens
) -> None:
    platform = tokens.headers("platform")
    as_text = await register.post(
        LISTS, content=b"list_id,kind\n", headers={**platform, "Content-Type": "text/csv"}
    )
    assert as_text.json()["errors"][0]["field"] == "content-type"
    broken = await register.post(
        LISTS, content=b'{"list_id": ', headers={**platform, "Content-Type": "application/json"}
    )
    assert (broken.status_code, broken.json()["errors"][0]["rule"]) == (422, "json_invalid")
    unknown = await register.get(f"{LISTS}/no-such-list/units", headers=platform)
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (404, "list_id")
    reviewer = tokens.headers("reviewer")
    no_note = await register.post(
        f"{LISTS}/no-such-list/entries/1/units/0/resolve",
        json={"credit_code": None},
        headers=reviewer,
    )
    assert (no_note.status_code, no_note.json()["errors"][0]["field"]) == (422, "note")
