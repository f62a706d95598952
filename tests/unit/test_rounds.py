"""Opening a round: its dates make sense together and with its year, its amounts are
positive; a refusal names the field and the rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.applications.commands import OpenRound
from services.applications.domain.errors import InvalidInput
from services.applications.domain.rounds import open_round

ROUND = OpenRound(
    name="2026 Quality and Standardization Incentives",
    year=2026,
    opens_at=datetime(2026, 1, 1, tzinfo=UTC),
    closes_at=datetime(2026, 12, 31, tzinfo=UTC),
    period_start=date(2025, 7, 1),
    period_end=date(2026, 6, 30),
    budget_yuan=1_000_000,
    enterprise_cap_yuan=None,
    policy_version="2026.1",
)


def refused(**changes: object) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as error:
        open_round("r1", replace(ROUND, **changes))  # type: ignore[arg-type]
    return error.value.field, error.value.rule


def test_a_round_whose_figures_hang_together_opens_with_the_policys_cap() -> None:
    opened = open_round("r1", ROUND)
    assert (opened.round_id, opened.year, opened.budget_yuan) == ("r1", 2026, 1_000_000)
    assert opened.enterprise_cap_yuan == 1_000_000  # the policy's, none was given
    assert opened.policy_version == "2026.1"


def test_the_fuzzers_round_of_2000_opening_in_the_year_14_is_refused() -> None:
    assert refused(
        year=2000,
        opens_at=datetime(14, 3, 1, tzinfo=UTC),
        period_end=date(2490, 1, 1),
    ) == ("opens_at", "within_round_year")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"opens_at": datetime(2024, 12, 31, 23, 59, tzinfo=UTC)}, "opens_at"),
        ({"closes_at": datetime(2028, 1, 1, tzinfo=UTC)}, "closes_at"),
        ({"period_start": date(2023, 12, 31)}, "period_start"),
        ({"period_end": date(2027, 1, 1)}, "period_end"),
    ],
    ids=["opens two years early", "closes two years late", "period too old", "period ahead"],
)
def test_dates_far_from_the_rounds_year_are_refused(changes: dict[str, object], field: str) -> None:
    assert refused(**changes) == (field, "within_round_year")


def test_the_widest_dates_a_year_allows_are_taken() -> None:
    widest = replace(
        ROUND,
        opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        closes_at=datetime(2027, 12, 31, 23, 59, tzinfo=UTC),
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert open_round("r1", widest).period_start == date(2024, 1, 1)


def test_the_year_of_a_moment_is_taken_in_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    # 1 January 2025 at 07:00 in Beijing is still 2024 in UTC: two years before 2026.
    early = datetime(2025, 1, 1, 7, tzinfo=beijing)
    assert refused(opens_at=early) == ("opens_at", "within_round_year")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"closes_at": datetime(2026, 1, 1, tzinfo=UTC)}, ("closes_at", "after_opens_at")),
        ({"period_end": date(2025, 6, 30)}, ("period_end", "after_period_start")),
        ({"budget_yuan": 0}, ("budget_yuan", "positive")),
        ({"enterprise_cap_yuan": 0}, ("enterprise_cap_yuan", "positive")),
        ({"policy_version": "1999.9"}, ("policy_version", "known_policy")),
    ],
)
def test_figures_that_do_not_hang_together_are_refused(
    changes: dict[str, object], expected: tuple[str, str]
) -> None:
    assert refused(**changes) == expected
