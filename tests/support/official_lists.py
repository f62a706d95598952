"""An official list as the register service publishes it, and the register load its
units are matched against: what the applications service's proposals are made from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from services.applications.domain.rounds import FundingRound
from shared.contracts import Contract
from shared.contracts.lists import (
    ENTRIES_BATCH_SIZE,
    MATCHES_BATCH_SIZE,
    ListEntry,
    NamedUnit,
    NumberedEntry,
    OfficialListEntries,
    OfficialListMatched,
    OfficialListReceived,
    StandardEntry,
    UnitMatch,
)
from shared.contracts.register import (
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)
from tests.support.events import stream

# A round of 2026 taking submissions all year, for achievements of July 2025 to June 2026.
ROUND = FundingRound(
    id="r1",
    name="2026",
    year=2026,
    opens_at=datetime(2026, 1, 1, tzinfo=UTC),
    closes_at=datetime(2026, 12, 31, tzinfo=UTC),
    period_start=date(2025, 7, 1),
    period_end=date(2026, 6, 30),
    budget_yuan=1_000_000,
    enterprise_cap_yuan=1_000_000,
    policy_version="2026.2",
)
# What an enterprise confirms a proposal with: where to reach it, the signed commitment.
CONFIRMATION = {
    "contact": {"email": "office@lead.example.cn"},
    "commitment": {
        "name": "authenticity-commitment-signed.pdf",
        "size_bytes": 20_480,
        "sha256": "7" * 64,
    },
}


def standard(
    number: str = "GB/T 45001-2026", published_on: date = date(2026, 2, 10), units: int = 2
) -> StandardEntry:
    """A national standard newly published, its drafting units named by the list only."""
    return StandardEntry(
        kind="standard",
        source_document="国家标准公告2026年第3号",
        standard_number=number,
        title="冷链物流服务质量",
        level="national",
        work="formulation",
        published_on=published_on,
        drafting_units=[NamedUnit(name=f"起草单位{n}") for n in range(units)],
    )


def register_load(load_id: str, codes: Sequence[str], batch: int = 1000) -> list[Contract]:
    """A load of enterprises, each registered in 2019 in road transport (G5430)."""
    events: list[Contract] = [
        RegisterLoadAccepted(
            load_id=load_id,
            loaded_by="chongqing-gov-platform",
            sha256="0" * 64,
            rows=len(codes),
            accepted=len(codes),
            rejected=0,
            batches=-(-len(codes) // batch),
            problems=[],
        )
    ]
    for start in range(0, len(codes), batch):
        events.append(
            EnterprisesRegistered(
                load_id=load_id,
                batch=start // batch + 1,
                enterprises=[
                    RegisteredEnterprise(
                        credit_code=code,
                        name=f"重庆企业{code[-6:]}有限公司",
                        industry_code="G5430",
                        registered_on=date(2019, 3, 1),
                    )
                    for code in codes[start : start + batch]
                ],
            )
        )
    return events


def official_list(
    list_id: str, entries: Sequence[ListEntry], matches: Sequence[UnitMatch]
) -> list[Contract]:
    """The list's stream as the register service writes it: received, entries, matches."""
    numbered = [NumberedEntry(number=n, entry=e) for n, e in enumerate(entries, 1)]
    entry_batches = [
        numbered[i : i + ENTRIES_BATCH_SIZE] for i in range(0, len(numbered), ENTRIES_BATCH_SIZE)
    ]
    match_batches = [
        list(matches[i : i + MATCHES_BATCH_SIZE])
        for i in range(0, len(matches), MATCHES_BATCH_SIZE)
    ]
    events: list[Contract] = [
        OfficialListReceived(
            list_id=list_id,
            kind="standards",
            title="新发布标准目录",
            submitted_by="chongqing-samr-platform",
            sha256="1" * 64,
            entries=len(entries),
            batches=len(entry_batches),
        )
    ]
    events += [
        OfficialListEntries(list_id=list_id, batch=b, entries=batch)
        for b, batch in enumerate(entry_batches, 1)
    ]
    events += [
        OfficialListMatched(list_id=list_id, batch=b, batches=len(match_batches), matches=batch)
        for b, batch in enumerate(match_batches, 1)
        if batch
    ]
    return events


def matched(entry: int, unit: int, code: str) -> UnitMatch:
    return UnitMatch(entry=entry, unit=unit, outcome="matched", credit_code=code, by="credit_code")


def records(events: list[Contract], source: str = "register") -> list[tuple[bytes, bytes]]:
    """Kafka records of one stream, keyed by its aggregate as the relay keys them."""
    return [(e.aggregate_id.encode(), e.encode()) for e in stream(events, source=source)]
