"""A published list someone kept (`verify --published FILE`: the JSON of GET
/v1/public/rounds/{id}/list), held to the log: its digest is that of its heads, each
head is still in the log with that hash at that version, and the log's list of that
revision is the one kept. A history rewritten after publication fails the second; a list
rewritten in the log with it fails the third."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from shared.contracts.values import ChainHead
from shared.hashchain import history_digest

from .findings import Finding
from .records import LoggedEvent

if TYPE_CHECKING:
    from .lookups import Found, HeadKey

CHECK = "kept list"


class KeptHead(msgspec.Struct, frozen=True):
    source: str
    aggregate_id: str
    version: int
    hash: str


class KeptList(msgspec.Struct):
    """The fields of a published list the check reads; the rest of the page is ignored."""

    round_id: str
    revision: int
    digest: str
    heads: list[KeptHead]
    entries: list[dict[str, Any]]


class Unreadable(ValueError):
    """Not a published list: the message names the field and what was wrong with it."""


def read_kept(raw: bytes) -> KeptList:
    try:
        return msgspec.json.decode(raw, type=KeptList)
    except msgspec.ValidationError as error:
        raise Unreadable(f"not a published list: {error}") from error
    except msgspec.DecodeError as error:
        raise Unreadable(f"not JSON: {error}") from error


def digest_of(heads: list[Any]) -> str:
    """`history_digest` over heads as read (dicts or structs), without validating them:
    what the service computed over the same four fields."""
    return history_digest(
        ChainHead.model_construct(
            source=_field(h, "source"),
            aggregate_id=_field(h, "aggregate_id"),
            version=_field(h, "version"),
            hash=_field(h, "hash"),
        )
        for h in heads
    )


def _field(head: Any, name: str) -> Any:
    return head.get(name) if isinstance(head, dict) else getattr(head, name)


def check_kept(
    kept: KeptList, lists: Mapping[tuple[str, Any], LoggedEvent], heads: Mapping[HeadKey, Found]
) -> list[Finding]:
    """`lists`: the log's lists by round and revision; `heads`: what the shards found at
    the versions the kept list names."""
    findings = []
    if digest_of(kept.heads) != kept.digest:
        findings.append(
            Finding(
                CHECK,
                "the kept list's digest is not the digest of its heads",
                round_id=kept.round_id,
            )
        )
    for head in kept.heads:
        stream = f"{head.source}/{head.aggregate_id} version {head.version}"
        found = heads.get((head.source, head.aggregate_id, head.version))
        if found is None:
            findings.append(
                Finding(CHECK, f"the log no longer has {stream}", round_id=kept.round_id)
            )
        elif found.hash != head.hash:
            findings.append(
                Finding(
                    CHECK,
                    f"the kept list (revision {kept.revision}) sealed {stream} with hash "
                    f"{head.hash[:12]}…; the log has {found.hash[:12]}…: rewritten since",
                    found.at,
                    found.event_id,
                    round_id=kept.round_id,
                )
            )
    logged = lists.get((kept.round_id, kept.revision))
    if logged is None:
        findings.append(
            Finding(
                CHECK,
                f"the log has no list of revision {kept.revision} of the round",
                round_id=kept.round_id,
            )
        )
        return findings
    differences = [
        name
        for name, value in (
            ("digest", kept.digest),
            ("entries", kept.entries),
            ("heads", [msgspec.structs.asdict(h) for h in kept.heads]),
        )
        if logged.payload.get(name) != value
    ]
    if differences:
        findings.append(
            Finding.about(
                CHECK,
                f"the log's list of revision {kept.revision} differs from the kept one in "
                f"its {', '.join(differences)}",
                logged,
                round_id=kept.round_id,
            )
        )
    return findings
