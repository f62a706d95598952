"""Benchmark: official lists matched to the register. A register of BENCH_LISTS_REGISTER
enterprises (100,000 by default) is loaded as CSV, plus a second load that gives some of
their names to other enterprises (those names become ambiguous); then lists of
BENCH_LISTS_ENTRIES entries in all (10,000 by default: three in five standards with one
to four drafting units, one in five award winners, one in five pilot projects), one
request per kind, through the register API in this process over ASGI. Units are named by
credit code, by name (some with full-width brackets), by former name, by an ambiguous
name, by a code or a name the register lacks.

Printed: entries a second for the match-and-write (checking the body, reading the
register's candidates, matching, sealing the events, the projection, one transaction),
and CPU milliseconds per entry of this process and of PostgreSQL."""

from __future__ import annotations

import csv
import io
import os
import random
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import orjson

from bench.cpu import CpuMeter
from bench.register import HEADER, register_csv
from services.register.bootstrap import RegisterSettings, build_app
from shared.admin import ensure_topics
from shared.rules.credit_code import ALPHABET, check_character
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.tokens import Tokens

ENTERPRISES = int(os.environ.get("BENCH_LISTS_REGISTER", "100000"))
ENTRIES = int(os.environ.get("BENCH_LISTS_ENTRIES", "10000"))
# One in this many enterprises shares its name with a second one (the second load).
SHARED_NAME_EVERY = 100
FULL_WIDTH = str.maketrans("()", "\N{FULLWIDTH LEFT PARENTHESIS}\N{FULLWIDTH RIGHT PARENTHESIS}")


class Register:
    """The loaded register as the lists name it."""

    def __init__(self, body: bytes) -> None:
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        self.rows = [r for r in rows if not r["industry_code"].startswith("X")]
        self.former = [r for r in self.rows if r["former_names"]]
        self.rng = random.Random(1717)

    def shared_names(self) -> bytes:
        """A second load: other enterprises under some of the first load's names."""
        lines = [HEADER]
        for row in self.rows[::SHARED_NAME_EVERY]:
            lines.append(f"{_code(self.rng)},{row['name']},,L72,2012-01-01,,,,\n")
        return "".join(lines).encode()

    def unit(self) -> dict[str, Any]:
        pick = self.rng.random()
        row = self.rng.choice(self.rows)
        if pick < 0.40:
            return {"name": row["name"], "credit_code": row["credit_code"]}
        if pick < 0.70:
            return {"name": row["name"].translate(FULL_WIDTH)}
        if pick < 0.80:
            return {"name": self.rng.choice(self.former)["former_names"]}
        if pick < 0.85:
            return {"name": self.rng.choice(self.rows[::SHARED_NAME_EVERY])["name"]}
        if pick < 0.92:
            return {"name": "外区企业", "credit_code": _code(self.rng)}
        return {"name": f"查无此名{self.rng.randrange(10**6)}有限公司"}


def _code(rng: random.Random) -> str:
    body = "915002" + f"{rng.randrange(10, 99)}" + "".join(rng.choices(ALPHABET, k=9))
    return body + check_character(body)


def lists(register: Register, entries: int) -> list[dict[str, Any]]:
    standards = entries * 3 // 5
    awards = entries // 5
    pilots = entries - standards - awards
    rng = register.rng
    return [
        _list(
            "standards",
            [
                {
                    "kind": "standard",
                    "source_document": "国家标准公告2026年第9号",
                    "standard_number": f"GB/T {50000 + n}-2026",
                    "title": f"服务质量规范 第{n}部分",
                    "level": rng.choice(["national", "industry", "local", "group"]),
                    "work": "formulation",
                    "published_on": "2026-03-01",
                    "drafting_units": [register.unit() for _ in range(rng.randint(1, 4))],
                }
                for n in range(standards)
            ],
        ),
        _list(
            "award_winners",
            [
                {
                    "kind": "award",
                    "source_document": "渝府[2026]9号",
                    "award": "district_quality_award",
                    "tier": "winner",
                    "year": 2026,
                    "conferred_on": "2026-04-01",
                    "winner": register.unit(),
                }
                for _ in range(awards)
            ],
        ),
        _list(
            "pilot_projects",
            [
                {
                    "kind": "pilot_project",
                    "source_document": "国标委[2026]9号",
                    "level": "municipal",
                    "project_name": f"标准化试点项目{n}",
                    "accepted_on": "2026-05-01",
                    "units": [register.unit() for _ in range(rng.randint(1, 2))],
                }
                for n in range(pilots)
            ],
        ),
    ]


def _list(kind: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"list_id": f"bench-{kind}", "kind": kind, "title": kind, "entries": entries}


async def bench_lists(bootstrap: str, server_url: str) -> None:
    topics = Topics(f"bench{uuid4().hex[:8]}")
    await ensure_topics(bootstrap, topics.all(), partitions=4)
    tokens = Tokens(Path(f"/tmp/bench-lists-{uuid4().hex[:8]}"))
    body = register_csv(ENTERPRISES)
    register = Register(body)
    app = build_app(
        RegisterSettings(
            register_database_url=await fresh_database(server_url, "register"),
            kafka_bootstrap_servers=bootstrap,
            qsfund_topic_namespace=topics.namespace,
            qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )
    platform = tokens.headers("platform")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://register", timeout=600
        ) as api,
    ):
        for load_id, content in (("bench", body), ("bench-shared", register.shared_names())):
            loaded = await api.post(
                f"/v1/register/loads?load_id={load_id}",
                content=content,
                headers={**platform, "Content-Type": "text/csv"},
            )
            loaded.raise_for_status()
        print(
            f"lists: a register of {len(register.rows) + len(register.rows[::SHARED_NAME_EVERY]):,}"
            f" enterprises, then {ENTRIES:,} entries in three lists, one request each"
        )
        await _measure(api, platform, lists(register, ENTRIES))


async def _measure(
    api: httpx.AsyncClient, platform: dict[str, str], bodies: list[dict[str, Any]]
) -> None:
    # Encoded before the measurement: the client's work is not the service's.
    encoded = [orjson.dumps(body) for body in bodies]
    headers = {**platform, "Content-Type": "application/json"}
    meter = CpuMeter({"register (this process)": os.getpid()}).start()
    seconds = 0.0
    for body in encoded:
        started = time.perf_counter()
        answer = await api.post("/v1/official-lists", content=body, headers=headers)
        took = time.perf_counter() - started
        seconds += took
        answer.raise_for_status()
        s = answer.json()
        print(
            f"  {s['kind']:<15} {s['entries']:>6,} entries, {s['units']:>6,} units in "
            f"{took:5.2f} s: matched by code {s['matched']['credit_code']:,}, name "
            f"{s['matched']['name']:,}, former name {s['matched']['former_name']:,}; "
            f"ambiguous {s['ambiguous']:,}, unmatched {s['unmatched']:,}"
        )
    meter.stop()
    print(f"  all: {ENTRIES:,} entries in {seconds:.2f} s, {ENTRIES / seconds:,.0f} entries/s")
    for line in meter.per_unit(ENTRIES, "per entry"):
        print(line)
    print("  cores busy meanwhile (others: what else the machine ran, how noisy this is):")
    for line in meter.lines():
        print(line)
