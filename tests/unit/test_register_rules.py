"""The program's two register rules and the industry classification, as intake, scoring
and the auditor apply them."""

from __future__ import annotations

from datetime import date

import pytest

from shared.contracts.register import DishonestyEntry, RegisteredEnterprise
from shared.rules.industries import classification, industry_code_problem, within
from shared.rules.register import (
    NON_AWARD_REASONS,
    Refusal,
    barred_at_decision,
    dishonesty_refusal,
    registration_refusal,
    years_before,
)

FILED = date(2026, 6, 15)


def enterprise(
    registered_on: date = date(2020, 1, 1), deregistered_on: date | None = None
) -> RegisteredEnterprise:
    return RegisteredEnterprise(
        credit_code="91110108551385082Q",
        name="重庆冷链物流有限公司",
        industry_code="G5430",
        registered_on=registered_on,
        deregistered_on=deregistered_on,
    )


def listed(on: date, removed: date | None = None) -> DishonestyEntry:
    return DishonestyEntry(listed_on=on, removed_on=removed, reference="渝市监信[2024]12号")


def test_an_enterprise_missing_from_the_register_may_not_file() -> None:
    assert registration_refusal(None, FILED) == Refusal(
        "registered_in_district", "the enterprise is not in the district's register"
    )


@pytest.mark.parametrize(
    ("registered_on", "deregistered_on", "refused"),
    [
        (FILED, None, False),  # registered that very day
        (date(2026, 6, 16), None, True),  # the day after the filing
        (date(2020, 1, 1), date(2026, 6, 16), False),  # deregistered after the filing
        (date(2020, 1, 1), FILED, True),  # deregistered on the day of the filing
    ],
)
def test_registered_and_not_deregistered_on_the_day_of_the_filing(
    registered_on: date, deregistered_on: date | None, refused: bool
) -> None:
    refusal = registration_refusal(enterprise(registered_on, deregistered_on), FILED)
    assert (refusal is not None) is refused


def test_an_enterprise_registered_after_the_day_is_told_when() -> None:
    assert registration_refusal(enterprise(registered_on=date(2026, 6, 16)), FILED) == Refusal(
        "registered_in_district",
        "the enterprise was registered in the district on 2026-06-16, after 2026-06-15",
    )


def test_a_deregistered_enterprise_is_told_when() -> None:
    refusal = registration_refusal(enterprise(deregistered_on=date(2025, 3, 1)), FILED)
    assert refusal is not None
    assert "deregistered on 2025-03-01" in refusal.message


@pytest.mark.parametrize(
    ("entry", "excluded"),
    [
        (listed(date(2026, 6, 15)), True),  # listed on the day of the decision
        (listed(date(2026, 6, 16)), False),  # listed only after it
        (listed(date(2020, 1, 1)), True),  # long ago and never removed
        (listed(date(2020, 1, 1), removed=date(2023, 6, 16)), True),  # last listed day 06-15
        (listed(date(2020, 1, 1), removed=date(2023, 6, 15)), False),  # gone three years since
    ],
)
def test_on_the_dishonesty_list_in_the_three_years_before_the_decision(
    entry: DishonestyEntry, excluded: bool
) -> None:
    refusal = dishonesty_refusal([entry], FILED)
    assert (refusal is not None) is excluded
    if refusal is not None:
        assert refusal.rule == "not_on_dishonesty_list"
        assert "渝市监信[2024]12号" in refusal.message


@pytest.mark.parametrize(
    ("entries", "said"),
    [
        # Of several listings that reach the window, the latest is named.
        (
            [listed(date(2021, 1, 4), removed=date(2022, 1, 4)), listed(date(2025, 2, 1))],
            "on the serious-dishonesty list from 2025-02-01 (still listed; 渝市监信[2024]12号): "
            "excluded for 3 years",
        ),
        (
            [listed(date(2021, 1, 4)), listed(date(2025, 2, 1), removed=date(2025, 8, 1))],
            "on the serious-dishonesty list from 2025-02-01 (removed on 2025-08-01; "
            "渝市监信[2024]12号): excluded for 3 years",
        ),
    ],
)
def test_the_listing_named_is_the_latest_and_says_whether_it_was_removed(
    entries: list[DishonestyEntry], said: str
) -> None:
    assert dishonesty_refusal(entries, FILED) == Refusal("not_on_dishonesty_list", said)


def test_no_listing_no_exclusion() -> None:
    assert dishonesty_refusal([], FILED) is None


def test_three_years_before_the_29th_of_february_is_the_28th() -> None:
    assert years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)


def test_the_classification_has_its_twenty_sections_and_97_divisions() -> None:
    sections = classification().sections
    assert [s.code for s in sections] == list("ABCDEFGHIJKLMNOPQRST")
    divisions = [d.code for s in sections for d in s.divisions]
    assert len(divisions) == len(set(divisions)) == 97
    assert divisions[0] == "A01"
    assert divisions[-1] == "T97"
    transport = next(s for s in sections if s.code == "G")
    assert {d.code: d.name for d in transport.divisions}["G59"] == "装卸搬运和仓储业"


@pytest.mark.parametrize("code", ["G54", "G543", "G5430", "A01", "T97", "J66"])
def test_codes_of_the_classification_are_accepted(code: str) -> None:
    assert industry_code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("G5", "industry_code_format"),
        ("G54301", "industry_code_format"),
        ("g54", "industry_code_format"),
        ("冷链物流", "industry_code_format"),
        ("U54", "industry_code_format"),
        ("C54", "industry_code_known"),  # division 54 is road transport, in G
        ("T98", "industry_code_known"),
    ],
)
def test_codes_outside_the_classification_are_refused(code: str, rule: str) -> None:
    problem = industry_code_problem(code)
    assert problem is not None
    assert problem[0] == rule


def test_a_code_is_within_its_section_and_division_only() -> None:
    cold_chain = frozenset({"G54", "G59"})
    assert within("G5430", cold_chain)
    assert within("G59", cold_chain)
    assert not within("G56", cold_chain)
    assert not within("C54", cold_chain)


DECIDED = date(2026, 12, 1)


def test_at_the_decision_an_enterprise_listed_after_filing_is_barred_and_told_why() -> None:
    # Filed while clean (FILED); listed before the decision: the decision is what counts.
    record = enterprise().model_copy(update={"dishonesty": [listed(date(2026, 9, 1))]})
    barred = barred_at_decision({record.credit_code: record}, DECIDED)
    assert list(barred) == [record.credit_code]
    reason, basis = barred[record.credit_code]
    assert reason == "on_dishonesty_list"
    assert "not_on_dishonesty_list" in basis
    assert "2026-12-01" in basis
    assert "渝市监信[2024]12号" in basis


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (enterprise(deregistered_on=DECIDED), "not_registered_in_district"),
        (enterprise(deregistered_on=date(2026, 7, 1)), "not_registered_in_district"),
        (None, "not_registered_in_district"),  # the register no longer (or never) holds it
        (enterprise(deregistered_on=date(2026, 12, 2)), None),  # gone only after it
        (enterprise(), None),
        # Deregistered and listed: the first rule broken is the one named.
        (
            enterprise(deregistered_on=DECIDED).model_copy(
                update={"dishonesty": [listed(date(2026, 1, 1))]}
            ),
            "not_registered_in_district",
        ),
    ],
)
def test_at_the_decision_only_an_enterprise_still_registered_is_rewarded(
    record: RegisteredEnterprise | None, reason: str | None
) -> None:
    barred = barred_at_decision({"91110108551385082Q": record}, DECIDED)
    assert (barred["91110108551385082Q"].reason if barred else None) == reason


def test_a_listing_after_the_decision_bars_nothing_then() -> None:
    record = enterprise().model_copy(update={"dishonesty": [listed(date(2026, 12, 2))]})
    assert barred_at_decision({record.credit_code: record}, DECIDED) == {}


def test_each_rule_has_its_non_award_reason() -> None:
    assert NON_AWARD_REASONS == {
        "registered_in_district": "not_registered_in_district",
        "not_on_dishonesty_list": "on_dishonesty_list",
    }
