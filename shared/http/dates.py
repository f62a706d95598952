"""A day a client sends (a round's period, the day a title was conferred): an ISO 8601
calendar date, `YYYY-MM-DD` such as `2026-07-01`.

Pydantic alone reads more than that as a date: a number as seconds since 1970, landing
on a midnight (`1767225600` is 1 January 2026), the same number as a string, and a
timestamp at midnight. A client that sent any of these meant something else; refused,
it learns which field and why, as timestamps.py does for moments.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator

from .timestamps import only_text_shaped

# Whether the parts are a real day (not 2026-02-30) is pydantic's to check after.
_CALENDAR_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
RULE = "date_iso8601"

CalendarDate = Annotated[
    date,
    BeforeValidator(
        only_text_shaped(
            date,
            _CALENDAR_DATE,
            RULE,
            "should be an ISO 8601 calendar date, YYYY-MM-DD such as 2026-07-01, not {given}",
        )
    ),
]
