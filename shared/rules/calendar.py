"""Counting a publicity period's days on the official Chinese calendar.

Working days follow the State Council's yearly notice: public holidays are off, and the
weekend days it declares working days (调休) are on. `chinese-calendar` carries those
notices as data, one year at a time; a year it does not know yet is refused, never
guessed from the weekday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import chinese_calendar

from shared.contracts.publicity import DayKind

# Publicity runs on Beijing time, which has no daylight saving.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


class CalendarUnknown(ValueError):
    """The official calendar of a year the period touches is not known to this system."""


def last_known_year() -> int:
    last: date = max(chinese_calendar.holidays)
    return last.year


def is_working_day(day: date) -> bool:
    if day.year > last_known_year():
        raise CalendarUnknown(
            f"the official calendar is known up to {last_known_year()}, not for {day}: "
            "install a newer chinese-calendar before publishing into that year"
        )
    return bool(chinese_calendar.is_workday(day))


def period_end(published_at: datetime, days: int, kind: DayKind) -> tuple[date, datetime]:
    """The period's last day and the moment it ends (midnight after it, Beijing time).

    The period counts whole days from the day after publication, so a list published in
    the afternoon still gets its full days: `days` working days, or calendar days."""
    day = published_at.astimezone(BEIJING).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if kind == "calendar" or is_working_day(day):
            counted += 1
    ends_at = datetime.combine(day + timedelta(days=1), time(), BEIJING).astimezone(UTC)
    return day, ends_at
