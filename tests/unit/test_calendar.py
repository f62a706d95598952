"""A publicity period counted on the official Chinese calendar, on Beijing time."""

from datetime import UTC, date, datetime

import pytest

from shared.rules.calendar import CalendarUnknown, is_working_day, last_known_year, period_end


def test_working_days_skip_the_weekend_and_the_national_day_holiday() -> None:
    # Published Monday 28 September 2026 (Beijing); 1 to 7 October is the holiday.
    published = datetime(2026, 9, 28, 2, tzinfo=UTC)
    last, ends_at = period_end(published, 5, "working")
    assert last == date(2026, 10, 10)  # 29, 30 Sep, then (after the holiday) 8, 9, 10 Oct
    assert ends_at == datetime(2026, 10, 10, 16, tzinfo=UTC)  # midnight in Beijing


def test_calendar_days_count_every_day() -> None:
    published = datetime(2026, 9, 28, 2, tzinfo=UTC)
    assert period_end(published, 5, "calendar")[0] == date(2026, 10, 3)


def test_the_day_of_publication_is_beijings() -> None:
    """20:00 UTC on Friday is 04:00 on Saturday in Beijing: the count starts on Sunday."""
    published = datetime(2026, 6, 5, 20, tzinfo=UTC)
    assert period_end(published, 1, "calendar")[0] == date(2026, 6, 7)


def test_a_year_whose_official_calendar_is_unknown_is_refused_not_guessed() -> None:
    beyond = date(last_known_year() + 1, 3, 2)
    with pytest.raises(CalendarUnknown) as refused:
        is_working_day(beyond)
    assert str(refused.value) == (
        f"the official calendar is known up to {last_known_year()}, not for {beyond}: "
        "install a newer chinese-calendar before publishing into that year"
    )
