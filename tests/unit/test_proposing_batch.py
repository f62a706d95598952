"""A consumed batch's proposals decided in memory: one proposal per round and unit, the
priors of the enterprise (and the batch's own proposals) withholding what they cover,
and nothing made twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.applications.domain.proposing import Prior
from services.applications.proposals import Proposing
from shared.contracts.lists import UnitRef
from shared.contracts.proposals import ApplicationProposed, ProposalWithheld
from shared.rules.claims import Standard
from tests.support.official_lists import ROUND, standard

CODE = "91500101MA5U7T1X2P"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def batch(**priors: list[Prior]) -> Proposing:
    return Proposing(
        entries={
            ("list-a", 1): standard("GB/T 45001.1-2026"),
            # The same series, part 2, on another list: one achievement under 2026.2.
            ("list-b", 7): standard("GB/T 45001.2-2026"),
        },
        records={CODE: ("重庆金宇检测有限公司", "G5430")},
        priors=dict(priors),
    )


def unit(list_id: str, entry: int, place: int) -> UnitRef:
    return UnitRef(list_id=list_id, entry=entry, unit=place)


def test_one_achievement_named_twice_in_a_batch_is_proposed_once() -> None:
    deciding = batch()
    [first] = deciding.propose(unit("list-a", 1, 0), CODE, [ROUND], NOW)
    [second] = deciding.propose(unit("list-b", 7, 1), CODE, [ROUND], NOW)
    assert isinstance(first, ApplicationProposed)
    assert (first.enterprise.industry, first.claim.role) == ("道路运输业", "lead")  # type: ignore[union-attr]
    assert isinstance(second, ProposalWithheld)
    assert (second.reason, second.covered_by.id) == ("already_proposed", first.proposal_id)


def test_the_same_unit_again_makes_nothing() -> None:
    deciding = batch()
    assert deciding.propose(unit("list-a", 1, 0), CODE, [ROUND], NOW)
    assert deciding.propose(unit("list-a", 1, 0), CODE, [ROUND], NOW) == []


def test_a_participant_claim_does_not_cover_the_lead_proposed() -> None:
    claim: Standard = {
        "category": "standard",
        "level": "national",
        "standard_number": "GB/T 45001-2026",
        "title": "冷链物流服务质量",
        "work": "formulation",
        "role": "participant",
        "published_on": "2026-02-10",
    }
    deciding = batch(**{CODE: [Prior("application", "a1", "rewarded", claim)]})
    [lead] = deciding.propose(unit("list-a", 1, 0), CODE, [ROUND], NOW)
    [participant] = deciding.propose(unit("list-b", 7, 1), CODE, [ROUND], NOW)
    assert isinstance(lead, ApplicationProposed)
    assert isinstance(participant, ProposalWithheld)
    assert (participant.reason, participant.covered_by.id) == ("already_rewarded", "a1")


def test_an_enterprise_the_register_copy_lacks_is_not_guessed() -> None:
    with pytest.raises(LookupError, match="not in the register copy"):
        batch().propose(unit("list-a", 1, 0), "91500000MA5U7T1X2Q", [ROUND], NOW)
