"""An official list as the register service publishes it, and the register load its
units are matched against: what the applications service's proposals are made from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from shared.contracts import Contract
from shared.contracts.lists import (
    ENTRIES_BATCH_SIZE,
    MATCHES_BATCH_SIZE,
    ListEntry,
    NumberedEntry,
    OfficialListEntries,
    OfficialListMatched,
    OfficialListReceived,
    UnitMatch,
)
from shared.contracts.register import (
    EnterprisesRegistered,
    RegisteredEnterprise,
    RegisterLoadAccepted,
)
from tests.support.events import stream


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
