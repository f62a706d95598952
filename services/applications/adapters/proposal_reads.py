"""What proposing reads before it decides, for a whole consumed batch at once: the rounds
taking submissions (locked against a closing), the list entries, the enterprises'
records, and every claim and proposal of theirs that could cover an achievement."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Integer, String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from shared.contracts.lists import ListEntry
from shared.eventstore import Connectable

from ..domain.proposing import Prior, PriorState, application_prior_state
from ..domain.rounds import FundingRound
from .tables import application, funding_round, official_list_entry, proposal, register

_ENTRY: TypeAdapter[ListEntry] = TypeAdapter(ListEntry)


async def rounds_taking_submissions(session: Connectable, now: datetime) -> list[FundingRound]:
    """The rounds open at `now`, each locked as a submission locks it: a closing waits
    for the proposals, and then lapses them."""
    rows = await session.execute(
        select(funding_round)
        .where(
            funding_round.c.closed_at.is_(None),
            funding_round.c.opens_at <= now,
            funding_round.c.closes_at > now,
        )
        .order_by(funding_round.c.id)
        .with_for_update(read=True)
    )
    return [
        FundingRound(**{k: v for k, v in row.items() if k != "created_at"})
        for row in rows.mappings()
    ]


def _any(values: Collection[str]) -> Any:
    """`= ANY(array)`: one parameter however many values (a list of 10,000 entries names
    20,000 units, past what a statement may bind one by one)."""
    return any_(bindparam(None, list(values), type_=ARRAY(String)))


async def entries(
    session: Connectable, wanted: Collection[tuple[str, int]]
) -> dict[tuple[str, int], ListEntry]:
    numbers = any_(bindparam(None, sorted({n for _, n in wanted}), type_=ARRAY(Integer)))
    rows = await session.execute(
        select(official_list_entry).where(
            official_list_entry.c.list_id == _any({list_id for list_id, _ in wanted}),
            official_list_entry.c.number == numbers,
        )
    )
    return {
        (row.list_id, row.number): _ENTRY.validate_python(row.entry)
        for row in rows
        if (row.list_id, row.number) in wanted
    }


async def enterprises(session: Connectable, codes: Collection[str]) -> dict[str, tuple[str, str]]:
    """Each enterprise's name and GB/T 4754 code, as the register copy holds them."""
    table = register.enterprise
    rows = await session.execute(
        select(table.c.credit_code, table.c.name, table.c.industry_code).where(
            table.c.credit_code == _any(codes)
        )
    )
    return {code: (name, industry) for code, name, industry in rows}


async def priors(session: Connectable, codes: Collection[str]) -> dict[str, list[Prior]]:
    """Each enterprise's applications that still claim or were rewarded (any round), and
    its proposals open or confirmed."""
    found: dict[str, list[Prior]] = {}
    applied = await session.execute(
        select(
            application.c.id, application.c.credit_code, application.c.claim, application.c.status
        ).where(application.c.credit_code == _any(codes))
    )
    for id_, code, claim, status in applied:
        state = application_prior_state(status)
        if state is not None and claim is not None:
            found.setdefault(code, []).append(Prior("application", id_, state, claim))
    proposed = await session.execute(
        select(proposal.c.id, proposal.c.credit_code, proposal.c.claim, proposal.c.state).where(
            proposal.c.credit_code == _any(codes),
            proposal.c.state.in_(("open", "confirmed")),
        )
    )
    for id_, code, claim, state in proposed:
        prior_state: PriorState = "proposed" if state == "open" else "confirmed"
        found.setdefault(code, []).append(Prior("proposal", id_, prior_state, claim))
    return found


async def existing(session: Connectable, ids: Collection[str]) -> set[str]:
    """Which of these proposals were already made (or withheld)."""
    rows = await session.scalars(select(proposal.c.id).where(proposal.c.id == _any(ids)))
    return set(rows)


async def open_in_round(session: Connectable, round_id: str) -> list[str]:
    rows = await session.scalars(
        select(proposal.c.id).where(proposal.c.round_id == round_id, proposal.c.state == "open")
    )
    return list(rows)


async def round_and_enterprise(session: Connectable, id_: str) -> tuple[str, str] | None:
    """A proposal's round and enterprise (credit code), if it exists."""
    row = (
        await session.execute(
            select(proposal.c.round_id, proposal.c.credit_code).where(proposal.c.id == id_)
        )
    ).first()
    return None if row is None else (row[0], row[1])
