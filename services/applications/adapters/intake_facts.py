"""What intake reads before it decides on a filing, in one statement: the round (locked
as `load_round` locks it), the enterprise's revoked awards (the three-year bar), whether
the district's register is in use and the enterprise's record in it. Four reads were four
round trips a filing; the rules that decide from them are unchanged (handlers.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, Boolean, bindparam, exists, func, select, text, type_coerce
from sqlalchemy.engine import Dialect

from shared.contracts.payments import AwardRevoked
from shared.contracts.register import RegisteredEnterprise

from ..domain.errors import NotFound
from ..domain.rounds import FundingRound
from .driver import Compiled, Driver
from .tables import award_revocation, funding_round, register

_CODE = bindparam("credit_code", type_=award_revocation.c.credit_code.type)
_REVOKED = (
    select(func.coalesce(func.json_agg(award_revocation.table_valued()), text("'[]'::json")))
    .where(award_revocation.c.credit_code == _CODE)
    .scalar_subquery()
)
_RECORD = (
    select(func.row_to_json(register.enterprise.table_valued()))
    .where(register.enterprise.c.credit_code == _CODE)
    .scalar_subquery()
)
# FOR SHARE OF the round alone: submissions share it, a closing (FOR UPDATE) excludes them.
_FACTS = Compiled(
    select(
        funding_round,
        type_coerce(_REVOKED, JSON).label("revoked"),
        type_coerce(exists().select_from(register.load), Boolean).label("register_in_use"),
        type_coerce(_RECORD, JSON).label("record"),
    )
    .where(funding_round.c.id == bindparam("round_id", type_=funding_round.c.id.type))
    .with_for_update(read=True, of=funding_round)
)
_ROUND_FIELDS = [c.name for c in funding_round.columns if c.name != "created_at"]
_RECORD_FIELDS = set(RegisteredEnterprise.model_fields)


@dataclass(frozen=True)
class IntakeFacts:
    round: FundingRound
    revocations: list[AwardRevoked]
    register_in_use: bool
    record: RegisteredEnterprise | None  # None where the register does not hold it


async def intake_facts(
    driver: Driver, dialect: Dialect, round_id: str, credit_code: str
) -> IntakeFacts:
    """The round locked FOR SHARE with the enterprise's facts; NotFound for no round. On
    the driver (adapters/driver.py), in a transaction begun: the lock is held to its end."""
    params = {"round_id": round_id, "credit_code": credit_code}
    row = await _FACTS.first_on(driver, dialect, params)
    if row is None:
        raise NotFound("round_id", "exists", f"no funding round {round_id}")
    fields = {name: row[name] for name in _ROUND_FIELDS}
    record = row["record"]
    return IntakeFacts(
        round=FundingRound(**fields),
        revocations=[AwardRevoked.model_validate(r) for r in row["revoked"]],
        register_in_use=row["register_in_use"],
        record=None
        if record is None
        else RegisteredEnterprise.model_validate(
            {k: v for k, v in record.items() if k in _RECORD_FIELDS}
        ),
    )
