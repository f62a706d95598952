"""Official lists' entries and proposals in the applications service's read side: the
entries as the register service published them, each proposal's row and its state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert

from shared.contracts import Contract
from shared.contracts.lists import OfficialListEntries
from shared.contracts.proposals import (
    ApplicationProposed,
    ProposalConfirmed,
    ProposalDeclined,
    ProposalLapsed,
    ProposalWithheld,
)
from shared.envelope import Envelope
from shared.eventstore import Connectable

from .tables import official_list_entry, proposal

_MOVED = (
    update(proposal)
    .where(proposal.c.id == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        application_id=bindparam("b_application_id"),
        decline_reason=bindparam("b_decline_reason"),
        decided_by=bindparam("b_decided_by"),
        updated_at=bindparam("b_at", type_=proposal.c.updated_at.type),
    )
)


async def record_list_entries(
    session: Connectable, events: Sequence[tuple[Envelope, Contract]]
) -> None:
    """Keep each entry as received; a batch seen again changes nothing. The register's
    other list events (matches, resolutions) are what proposals react to, not kept."""
    # The entries as the envelope carries them: already JSON, not dumped again.
    rows = [
        {"list_id": envelope.aggregate_id, "number": numbered["number"], "entry": numbered["entry"]}
        for envelope, event in events
        if isinstance(event, OfficialListEntries)
        for numbered in envelope.payload["entries"]
    ]
    if rows:
        await session.execute(insert(official_list_entry).on_conflict_do_nothing(), rows)


async def project_proposals(
    session: Connectable, events: Sequence[tuple[Envelope, Contract]]
) -> None:
    """New proposals in one statement, then each change of state in order in another."""
    made = [
        _made(envelope, event)
        for envelope, event in events
        if isinstance(event, ApplicationProposed | ProposalWithheld)
    ]
    if made:
        await session.execute(insert(proposal), made)
    moved = [_moved(envelope, event) for envelope, event in events]
    changes = [change for change in moved if change is not None]
    if changes:
        await session.execute(_MOVED, changes)


def _made(envelope: Envelope, event: ApplicationProposed | ProposalWithheld) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": event.proposal_id,
        "round_id": event.round_id,
        "category": event.claim.category,
        "claim": envelope.payload["claim"],  # as sealed: already JSON
        "source_list_id": event.source.list_id,
        "source_entry": event.source.entry,
        "source_unit": event.source.unit,
        "proposed_at": envelope.occurred_at,
        "updated_at": envelope.occurred_at,
        # Every row names every column: one INSERT takes them all as its parameters.
        "enterprise_name": None,
        "industry": None,
        "policy_version": None,
        "source_document": None,
        "reason": None,
        "covered_by": None,
    }
    if isinstance(event, ApplicationProposed):
        return row | {
            "credit_code": event.enterprise.credit_code,
            "enterprise_name": event.enterprise.name,
            "industry": event.enterprise.industry,
            "policy_version": event.policy_version,
            "source_document": event.source_document,
            "state": "open",
        }
    return row | {
        "credit_code": event.credit_code,
        "state": "withheld",
        "reason": event.reason,
        "covered_by": envelope.payload["covered_by"],
    }


def _moved(envelope: Envelope, event: Contract) -> dict[str, Any] | None:
    change: dict[str, Any] = {
        "b_id": envelope.aggregate_id,
        "b_application_id": None,
        "b_decline_reason": None,
        "b_decided_by": envelope.actor.id,
        "b_at": envelope.occurred_at,
    }
    if isinstance(event, ProposalConfirmed):
        return change | {"b_state": "confirmed", "b_application_id": event.application_id}
    if isinstance(event, ProposalDeclined):
        return change | {"b_state": "declined", "b_decline_reason": event.reason}
    if isinstance(event, ProposalLapsed):
        return change | {"b_state": "lapsed"}
    return None
