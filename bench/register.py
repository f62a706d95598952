"""Benchmark: a platform's load of the register, BENCH_REGISTER_ROWS rows (100,000 by
default) as CSV through the register API (in this process, over ASGI), into a fresh
database: rows a second, and CPU per row of this process (parsing, the row rules,
sealing ~100 events) and of PostgreSQL (the upserts). The events are published after the
answer, by the relay: the load's answer does not wait for Kafka."""

from __future__ import annotations

import os
import random
import time
from uuid import uuid4

import httpx

from bench.cpu import CpuMeter
from services.register.bootstrap import RegisterSettings, build_app
from shared.admin import ensure_topics
from shared.rules.credit_code import ALPHABET, check_character
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.tokens import Tokens

ROWS = int(os.environ.get("BENCH_REGISTER_ROWS", "100000"))
HEADER = (
    "credit_code,name,former_names,industry_code,registered_on,deregistered_on,"
    "dishonesty_listed_on,dishonesty_removed_on,dishonesty_reference\n"
)


def register_csv(rows: int, seed: int = 4754) -> bytes:
    """`rows` distinct enterprises, one in fifty with a former name, one in a hundred
    listed, one in two hundred with a bad industry code (reported, not taken)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    lines = [HEADER]
    while len(seen) < rows:
        body = "915001" + f"{rng.randrange(10, 99)}" + "".join(rng.choices(ALPHABET, k=9))
        code = body + check_character(body)
        if code in seen:
            continue
        seen.add(code)
        n = len(seen)
        former = f"重庆旧名{n}有限公司" if n % 50 == 0 else ""
        industry = "X99" if n % 200 == 0 else rng.choice(("G5430", "G59", "I65", "L72", "J66"))
        listed = ("2024-03-01", "", f"渝信[2024]{n}号") if n % 100 == 0 else ("", "", "")
        lines.append(
            f"{code},重庆第{n}号商贸有限公司,{former},{industry},2015-06-01,,{','.join(listed)}\n"
        )
    return "".join(lines).encode()


async def bench_register(bootstrap: str, server_url: str) -> None:
    topics = Topics(f"bench{uuid4().hex[:8]}")
    await ensure_topics(bootstrap, topics.all(), partitions=4)
    tokens = Tokens(__import__("pathlib").Path(f"/tmp/bench-register-{uuid4().hex[:8]}"))
    body = register_csv(ROWS)
    app = build_app(
        RegisterSettings(
            register_database_url=await fresh_database(server_url, "register"),
            kafka_bootstrap_servers=bootstrap,
            qsfund_topic_namespace=topics.namespace,
            qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
            qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        )
    )
    print(f"register: a load of {ROWS:,} rows as CSV ({len(body) / 1e6:.1f} MB), one request")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://register", timeout=600
        ) as api,
    ):
        meter = CpuMeter({"register (this process)": os.getpid()}).start()
        started = time.perf_counter()
        answer = await api.post(
            "/v1/register/loads?load_id=bench",
            content=body,
            headers={**tokens.headers("platform"), "Content-Type": "text/csv"},
        )
        seconds = time.perf_counter() - started
        meter.stop()
    answer.raise_for_status()
    taken = answer.json()
    print(
        f"  accepted {taken['accepted']:,}, rejected {taken['rejected']:,} in "
        f"{taken['batches']} batches: {seconds:.2f} s, {ROWS / seconds:,.0f} rows/s"
    )
    for line in meter.per_unit(ROWS // 1000, "per 1,000 rows"):
        print(line)
