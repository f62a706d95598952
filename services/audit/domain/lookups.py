"""What the checks of published lists must look up in the shards after the replay: the
hash at a named version of a stream (a list's heads), and an application's filing (what
the list shows of it). The lists are in their rounds' partitions, the streams and filings
in their applications': the parent asks every shard, each answers what it read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .bar import Revocation, Submission, barring
from .kept import KeptList
from .records import Coordinates, LoggedEvent

LISTS = ("PublicityOpened", "PublishedListRevised")
HeadKey = tuple[str, str, int]  # source, aggregate, version


class Found(NamedTuple):
    """The event at a named version of a stream: its recorded hash, and where it is."""

    hash: str
    at: Coordinates
    event_id: str


class Listing(NamedTuple):
    """An application's latest filing, as the published list must show it."""

    enterprise_name: Any
    credit_code: Any
    claim: Any


@dataclass
class Lookups:
    heads: set[HeadKey] = field(default_factory=set)
    filings: set[str] = field(default_factory=set)
    barred: set[str] = field(default_factory=set)  # credit codes a revocation bars

    def __bool__(self) -> bool:
        return bool(self.heads or self.filings or self.barred)


@dataclass
class Answers:
    heads: dict[HeadKey, Found] = field(default_factory=dict)
    filings: dict[str, Listing] = field(default_factory=dict)
    submissions: list[Submission] = field(default_factory=list)  # by barred credit codes

    def update(self, other: Answers) -> None:
        self.heads.update(other.heads)
        self.filings.update(other.filings)
        self.submissions += other.submissions


def lookups_of(
    streams: Iterable[Mapping[str, list[LoggedEvent]]],
    kept: KeptList | None = None,
    revocations: Iterable[Revocation] = (),
) -> Lookups:
    """What the lists in the rounds' streams (and a kept list) name: their heads, and the
    applications they show; and the enterprises the revocations bar."""
    wanted = Lookups(barred=set(barring(revocations)))
    for event in (e for each in streams for events in each.values() for e in events):
        if event.event_type in LISTS:
            payload = event.payload
            wanted.heads.update(_keys(payload.get("heads")))
            wanted.filings.update(_listed(payload.get("entries")))
    if kept is not None:
        wanted.heads.update((h.source, h.aggregate_id, h.version) for h in kept.heads)
    return wanted


def _keys(heads: Any) -> Iterable[HeadKey]:
    for head in heads if isinstance(heads, list) else ():
        if isinstance(head, dict):
            key = (head.get("source"), head.get("aggregate_id"), head.get("version"))
            if all(isinstance(part, str) for part in key[:2]) and isinstance(key[2], int):
                yield key  # type: ignore[misc]


def _listed(entries: Any) -> Iterable[str]:
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("application_id"), str):
            yield entry["application_id"]
