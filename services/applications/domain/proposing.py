"""What an official list's entry proposes: the claim it makes for one of its units, the
rounds it falls in, and whether the enterprise already has that achievement covered.
Pure: the handler reads the facts and writes the events.

"Level or higher", per category (`rank`): the same achievement (shared/rules/achievements
keys, under the proposing round's rule set) claimed at a rank at least as high covers a
proposal, because the enterprise is already paid, or will be, at least as much for it:

- **standard**: the role (a lead covers a participant, never the reverse) and the
  standard's level (international > national > industry > local > group) both at least
  the proposal's;
- **quality_brand**: the tier of the same award and year (a winner covers a nominee);
- **pilot_project**: the level of the same project (national covers municipal);
- **standard_adoption**: never proposed (no list names adoptions); any claim covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Literal
from uuid import NAMESPACE_URL, uuid5

from shared.contracts.lists import AwardEntry, ListEntry, StandardEntry, UnitRef
from shared.contracts.values import Claim, PilotProjectClaim, QualityBrandClaim, StandardClaim
from shared.rules.claims import ClaimRecord
from shared.rules.industries import classification

from .rounds import FundingRound

Reason = Literal["already_claimed", "already_rewarded", "already_proposed"]
PriorState = Literal["claimed", "rewarded", "proposed", "confirmed"]

_LEVELS = {"group": 0, "local": 1, "industry": 2, "national": 3, "international": 4}
_ROLES = {"participant": 0, "lead": 1}
_TIERS = {"nominee": 0, "winner": 1}
_PILOT_LEVELS = {"municipal": 0, "national": 1}


def proposal_id(round_id: str, source: UnitRef) -> str:
    """One id per round and list unit: the same match seen again (a redelivery, a person
    resolving a unit already matched, a rebuild) finds its proposal already made."""
    unit = f"{source.list_id}/{source.entry}/{source.unit}"
    return str(uuid5(NAMESPACE_URL, f"qsfund:proposal:{round_id}:{unit}"))


def claim_from_entry(entry: ListEntry, unit: int) -> Claim:
    """The claim the entry makes for its `unit`-th unit (0 is the first the list names)."""
    if isinstance(entry, StandardEntry):
        return StandardClaim(
            category="standard",
            level=entry.level,
            standard_number=entry.standard_number,
            title=entry.title,
            work=entry.work,
            role="lead" if unit == 0 else "participant",
            published_on=entry.published_on,
        )
    if isinstance(entry, AwardEntry):
        return QualityBrandClaim(
            category="quality_brand",
            award=entry.award,
            tier=entry.tier,
            year=entry.year,
            conferred_on=entry.conferred_on,
        )
    return PilotProjectClaim(
        category="pilot_project",
        level=entry.level,
        project_name=entry.project_name,
        accepted_on=entry.accepted_on,
    )


def achieved_on(entry: ListEntry) -> date:
    """The day the round's period is checked against, as intake checks a claim's."""
    if isinstance(entry, StandardEntry):
        return entry.published_on
    if isinstance(entry, AwardEntry):
        return entry.conferred_on
    return entry.accepted_on


def rounds_for(rounds: list[FundingRound], on: date, now: datetime) -> list[FundingRound]:
    """The rounds taking submissions at `now` whose period covers `on`, both ends included."""
    return [
        r
        for r in rounds
        if r.closed_at is None
        and r.opens_at <= now < r.closes_at
        and r.period_start <= on <= r.period_end
    ]


def rank(claim: ClaimRecord) -> tuple[int, ...]:
    """How high a claim of its achievement stands (the module's docstring says why)."""
    if claim["category"] == "standard":
        return (_ROLES[claim["role"]], _LEVELS[claim["level"]])
    if claim["category"] == "quality_brand":
        return (_TIERS[claim["tier"]],)
    if claim["category"] == "pilot_project":
        return (_PILOT_LEVELS[claim["level"]],)
    return ()


def covers(prior: ClaimRecord, proposed: ClaimRecord) -> bool:
    """Whether a claim of the same achievement stands at the proposal's rank or higher:
    every part of its rank at least the proposal's."""
    return all(p >= q for p, q in zip(rank(prior), rank(proposed), strict=True))


@dataclass(frozen=True)
class Prior:
    """An application or proposal of the enterprise that may cover an achievement."""

    kind: Literal["application", "proposal"]
    id: str
    state: PriorState
    claim: ClaimRecord


# Of several priors that cover, the one named is the strongest reason: a reward, then a
# claim, then a proposal.
_REASONS: dict[PriorState, Reason] = {
    "rewarded": "already_rewarded",
    "claimed": "already_claimed",
    "confirmed": "already_proposed",
    "proposed": "already_proposed",
}
_ORDER = ("rewarded", "claimed", "confirmed", "proposed")


def covered_by(priors: list[Prior], proposed: ClaimRecord) -> tuple[Reason, Prior] | None:
    """Why no proposal is made (priors: of the same achievement), or None to make it."""
    covering = [p for p in priors if covers(p.claim, proposed)]
    if not covering:
        return None
    first = min(covering, key=lambda p: _ORDER.index(p.state))
    return _REASONS[first.state], first


def application_prior_state(status: str) -> PriorState | None:
    """What an application of the achievement is to a proposal: a reward, a live claim,
    or nothing (withdrawn, ineligible)."""
    if status == "awarded":
        return "rewarded"
    if status in ("withdrawn", "ineligible"):
        return None
    return "claimed"


def industry_of(code: str) -> str:
    """The enterprise's industry as a filing names it: its GB/T 4754 division's name (the
    register's code, e.g. G5430, names division 54); the code itself if unknown."""
    return _division_names().get(code[:3], code)


@cache
def _division_names() -> dict[str, str]:
    return {d.code: d.name for s in classification().sections for d in s.divisions}
