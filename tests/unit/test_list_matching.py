"""The rules that match an official list's units to the register: every outcome and
every reason, and the boundaries of the days they turn on."""

from __future__ import annotations

from datetime import date

import pytest

from services.register.domain.matching import (
    MAX_CANDIDATES,
    Registered,
    RegisterIndex,
    fold,
    match_entries,
    match_unit,
)
from shared.contracts.lists import AwardEntry, NamedUnit, PilotProjectEntry, UnitMatch
from tests.support.credit_codes import credit_codes

A, B, C, D, E = credit_codes(seed=170, count=5)
L, R = "\N{FULLWIDTH LEFT PARENTHESIS}", "\N{FULLWIDTH RIGHT PARENTHESIS}"
ENTRY_DAY = date(2026, 2, 10)
TODAY = date(2026, 11, 30)


def record(
    code: str,
    name: str,
    former: tuple[str, ...] = (),
    registered_on: date = date(2015, 1, 1),
    deregistered_on: date | None = None,
) -> Registered:
    return Registered(code, name, former, registered_on, deregistered_on)


def match(index: RegisterIndex, name: str, code: str | None = None, **days: date) -> UnitMatch:
    unit = NamedUnit(name=name, credit_code=code)
    return match_unit(index, 1, 0, unit, days.get("day", ENTRY_DAY), days.get("today", TODAY))


def rule(found: UnitMatch) -> str:
    return found.reason.split(":")[0]


def test_a_listed_code_is_the_identity_whatever_name_the_list_spells() -> None:
    index = RegisterIndex([record(A, "重庆冷链物流有限公司"), record(B, "乙公司")])
    found = match(index, "乙公司", A)
    assert (found.outcome, found.by, found.credit_code) == ("matched", "credit_code", A)
    assert "the register names it 重庆冷链物流有限公司, the list 乙公司" in found.reason
    same = match(index, "重庆冷链物流有限公司 ", A)
    assert same.reason == "credit_code: the list gives its credit code"


def test_a_listed_code_the_register_lacks_is_unmatched_even_if_the_name_is_there() -> None:
    index = RegisterIndex([record(A, "甲公司")])
    found = match(index, "甲公司", B)
    assert (found.outcome, rule(found), found.credit_code) == ("unmatched", "not_in_register", None)
    assert B in found.reason


def test_a_name_matches_after_trimming_and_folding_brackets_only() -> None:
    index = RegisterIndex([record(A, "重庆质量检测(集团)有限公司")])
    found = match(index, f"  重庆质量检测{L}集团{R}有限公司\u3000")
    assert (found.outcome, found.by, found.credit_code) == ("matched", "name", A)
    assert rule(found) == "name"
    # Any other difference is another name: never guessed.
    assert match(index, "重庆质量检测集团有限公司").outcome == "unmatched"
    assert match(index, "重庆质量检测(集团)有限责任公司").outcome == "unmatched"
    assert fold(f" a{L}b{R} ") == "a(b)"


def test_a_former_name_matches_when_no_current_name_does() -> None:
    index = RegisterIndex(
        [record(A, "新名有限公司", former=("旧名有限公司", f"旧名{L}重庆{R}有限公司"))]
    )
    found = match(index, "旧名(重庆)有限公司")
    assert (found.outcome, found.by, found.credit_code) == ("matched", "former_name", A)
    assert "formerly named" in found.reason


def test_a_current_name_wins_over_another_enterprises_former_name() -> None:
    index = RegisterIndex([record(A, "甲公司"), record(B, "乙公司", former=("甲公司",))])
    found = match(index, "甲公司")
    assert (found.by, found.credit_code) == ("name", A)


def test_several_enterprises_of_one_name_are_ambiguous_with_their_codes() -> None:
    index = RegisterIndex([record(B, "同名公司"), record(A, "同名公司"), record(C, "别名公司")])
    found = match(index, "同名公司")
    assert (found.outcome, found.credit_code, found.by) == ("ambiguous", None, None)
    assert found.candidates == sorted([A, B])
    assert rule(found) == "several_enterprises"
    former = RegisterIndex([record(A, "甲", former=("旧",)), record(B, "乙", former=("旧",))])
    assert match(former, "旧").candidates == sorted([A, B])


def test_at_most_twenty_candidates_are_listed_and_the_reason_counts_them_all() -> None:
    codes = credit_codes(seed=171, count=MAX_CANDIDATES + 3)
    index = RegisterIndex([record(code, "同名公司") for code in codes])
    found = match(index, "同名公司")
    assert found.candidates == sorted(codes)[:MAX_CANDIDATES]
    assert f"{MAX_CANDIDATES + 3} enterprises" in found.reason
    # A valid event: the contract's bounds hold.
    UnitMatch.model_validate(found.model_dump())


def test_a_name_nobody_has_is_unmatched() -> None:
    found = match(RegisterIndex([record(A, "甲公司")]), "乙公司")
    assert (found.outcome, rule(found)) == ("unmatched", "name_not_in_register")


@pytest.mark.parametrize(
    ("registered_on", "outcome"),
    [(ENTRY_DAY, "matched"), (date(2026, 2, 11), "unmatched")],
)
def test_a_name_is_only_that_of_enterprises_registered_by_the_entrys_day(
    registered_on: date, outcome: str
) -> None:
    index = RegisterIndex([record(A, "新设公司", registered_on=registered_on)])
    found = match(index, "新设公司")
    assert found.outcome == outcome
    if outcome == "unmatched":
        assert rule(found) == "registered_after"


def test_a_reused_name_means_the_enterprise_that_held_it_on_the_entrys_day() -> None:
    # A renamed from 甲 before the entry; B took the name 甲 after it.
    index = RegisterIndex(
        [
            record(A, "新甲", former=("甲",)),
            record(B, "甲", registered_on=date(2026, 6, 1)),
        ]
    )
    found = match(index, "甲")
    assert (found.by, found.credit_code) == ("former_name", A)


@pytest.mark.parametrize(
    ("deregistered_on", "outcome"),
    [(TODAY, "unmatched"), (date(2026, 12, 1), "matched"), (None, "matched")],
)
def test_a_deregistered_enterprise_is_unmatched_with_the_reason(
    deregistered_on: date | None, outcome: str
) -> None:
    index = RegisterIndex([record(A, "注销公司", deregistered_on=deregistered_on)])
    for found in (match(index, "注销公司"), match(index, "别的名字", A)):
        assert found.outcome == outcome
        if outcome == "unmatched":
            assert rule(found) == "deregistered"
            assert TODAY.isoformat() in found.reason


def test_one_active_and_one_deregistered_of_one_name_go_to_a_person() -> None:
    # Which of the two drafted the standard is not for the rules to guess.
    index = RegisterIndex([record(A, "同名"), record(B, "同名", deregistered_on=date(2025, 1, 1))])
    assert match(index, "同名").outcome == "ambiguous"


def test_every_unit_of_every_entry_is_matched_in_order_numbered_as_the_contract_says() -> None:
    index = RegisterIndex([record(A, "甲"), record(B, "乙"), record(C, "丙")])
    award = AwardEntry(
        kind="award",
        source_document="渝府[2026]1号",
        award="mayor_quality_award",
        tier="winner",
        year=2026,
        conferred_on=date(2026, 3, 1),
        winner=NamedUnit(name="甲"),
    )
    pilot = PilotProjectEntry(
        kind="pilot_project",
        source_document="国标委[2026]2号",
        level="national",
        project_name="冷链物流标准化试点",
        accepted_on=date(2026, 4, 1),
        units=[NamedUnit(name="乙"), NamedUnit(name="丙", credit_code=C), NamedUnit(name="丁")],
    )
    found = match_entries(index, [award, pilot], TODAY)
    assert [(m.entry, m.unit, m.outcome, m.credit_code) for m in found] == [
        (1, 0, "matched", A),
        (2, 0, "matched", B),
        (2, 1, "matched", C),
        (2, 2, "unmatched", None),
    ]
    for found_match in found:
        UnitMatch.model_validate(found_match.model_dump())
