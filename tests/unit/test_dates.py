"""A day a client sends is a calendar date as YYYY-MM-DD and nothing else: pydantic alone
would read a number as seconds since 1970 and a timestamp as its day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.http.dates import CalendarDate


class Period(BaseModel):
    first_day: CalendarDate


@pytest.mark.parametrize(
    "wrong",
    [
        1767225600,  # 2026-01-01 as seconds since 1970
        1767225600.0,
        "1767225600",
        "2026-01-01T00:00:00Z",  # a moment at midnight, not a day
        "2026-01-01T00:00:00",
        "2026-2-3",
        "20260203",
        "2026-W05-2",  # ISO 8601 too, but a week date: not what the API takes
        " 2026-02-03",
        b"2026-02-03",
        None,
    ],
)
def test_anything_but_a_calendar_date_is_refused_under_its_rule_with_an_example(
    wrong: Any,
) -> None:
    with pytest.raises(ValidationError) as refused:
        Period.model_validate({"first_day": wrong})
    [error] = refused.value.errors()
    assert (error["loc"], error["type"]) == (("first_day",), "date_iso8601")
    assert "ISO 8601 calendar date, YYYY-MM-DD such as 2026-07-01" in error["msg"]
    assert repr(wrong)[:10] in error["msg"]


def test_the_same_in_json() -> None:
    with pytest.raises(ValidationError) as refused:
        Period.model_validate_json('{"first_day": 1767225600}')
    assert refused.value.errors()[0]["type"] == "date_iso8601"


def test_a_day_not_in_the_calendar_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        Period.model_validate({"first_day": "2026-02-30"})
    [error] = refused.value.errors()
    assert error["loc"] == ("first_day",)
    assert "day value is outside expected range" in error["msg"]


@pytest.mark.parametrize(
    ("given", "day"),
    [
        ("2026-02-03", date(2026, 2, 3)),
        ("2028-02-29", date(2028, 2, 29)),
        (date(2026, 2, 3), date(2026, 2, 3)),  # built in Python
    ],
)
def test_a_calendar_date_is_taken(given: Any, day: date) -> None:
    assert Period.model_validate({"first_day": given}).first_day == day
    assert Period.model_validate_json(f'{{"first_day": "{day}"}}').first_day == day


def test_its_schema_says_format_date() -> None:
    schema = Period.model_json_schema()["properties"]["first_day"]
    assert (schema["type"], schema["format"]) == ("string", "date")
