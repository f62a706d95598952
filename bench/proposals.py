"""Benchmark: proposals from an official list. A register copy of BENCH_PROPOSALS_REGISTER
enterprises (100,000 by default) and an open round; then a list of BENCH_PROPOSALS_ENTRIES
standards (10,000), two drafting units each, matched by rule, put on the register topic
as the register service writes it. The applications service (in this process, its real
consumer) keeps the entries and proposes each unit: timed from the first record produced
to the last proposal's row, with the CPU of this process and of PostgreSQL per proposal.
The relay publishes the proposals meanwhile, as it would in service."""

from __future__ import annotations

import os
import random
import time
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import httpx

from bench.cpu import CpuMeter
from services.applications.adapters.tables import proposal, register
from services.applications.bootstrap import ApplicationsSettings, build_app
from shared.admin import ensure_topics
from shared.contracts.lists import ListEntry, NamedUnit, StandardEntry, UnitMatch
from shared.rules.credit_code import ALPHABET, check_character
from shared.topics import Topics
from tests.support.databases import fresh_database, rows_reach
from tests.support.kafka import produce
from tests.support.official_lists import matched, official_list, records, register_load
from tests.support.program import Program
from tests.support.tokens import Tokens

ENTERPRISES = int(os.environ.get("BENCH_PROPOSALS_REGISTER", "100000"))
ENTRIES = int(os.environ.get("BENCH_PROPOSALS_ENTRIES", "10000"))
UNITS = 2


def enterprise_codes(count: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < count:
        body = "915001" + f"{rng.randrange(10, 99)}" + "".join(rng.choices(ALPHABET, k=9))
        seen.setdefault(body + check_character(body))
    return list(seen)


def standards_list(codes: list[str], seed: int = 4754) -> tuple[list[ListEntry], list[UnitMatch]]:
    """ENTRIES standards published in the round's period, each drafted by UNITS
    enterprises of the register, and every unit matched."""
    rng = random.Random(seed)
    entries: list[ListEntry] = []
    matches: list[UnitMatch] = []
    for n in range(1, ENTRIES + 1):
        drafters = rng.sample(codes, UNITS)
        entries.append(
            StandardEntry(
                kind="standard",
                source_document="国家标准公告2026年第3号",
                standard_number=f"GB/T {40000 + n}-2026",
                title=f"标准第{n}号",
                level="national",
                work="formulation",
                published_on=date(2026, 1, 1) + timedelta(days=n % 150),
                drafting_units=[NamedUnit(name=f"单位{code[-6:]}") for code in drafters],
            )
        )
        matches += [matched(n, unit, code) for unit, code in enumerate(drafters)]
    return entries, matches


async def bench_proposals(bootstrap: str, server_url: str) -> None:
    topics = Topics(f"bench{uuid4().hex[:8]}")
    await ensure_topics(bootstrap, topics.all(), partitions=4)
    tokens = Tokens(Path(f"/tmp/bench-proposals-{uuid4().hex[:8]}"))
    database = await fresh_database(server_url, "applications")
    app = build_app(
        ApplicationsSettings(
            applications_database_url=database,
            kafka_bootstrap_servers=bootstrap,
            qsfund_topic_namespace=topics.namespace,
            qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )
    codes = enterprise_codes(ENTERPRISES)
    entries, matches = standards_list(codes)
    the_list = records(official_list("bench-list", entries, matches))
    expected = len(matches)
    print(
        f"proposals: a list of {ENTRIES:,} standards x {UNITS} units against a register "
        f"copy of {ENTERPRISES:,} enterprises, one open round"
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://apps") as api,
    ):
        await produce(bootstrap, topics.register, records(register_load("bench-load", codes)))
        await rows_reach(database, register.enterprise, ENTERPRISES, within=600)
        await Program(api, tokens).open_round(10_000_000)
        meter = CpuMeter({"applications (this process)": os.getpid()}).start()
        started = time.perf_counter()
        await produce(bootstrap, topics.register, the_list)
        await rows_reach(database, proposal, expected, within=600)
        seconds = time.perf_counter() - started
        meter.stop()
    print(
        f"  {expected:,} proposals written in {seconds:.2f} s from the list's first record "
        f"({len(the_list)} events): {expected / seconds:,.0f} proposals/s"
    )
    for line in meter.per_unit(expected, "per proposal"):
        print(line)
