"""A moment a client sends (a time filter, a round's opening): an ISO 8601 timestamp with
its zone, such as `2026-07-01T00:00:00Z` or `2026-07-01T08:00:00+08:00`.

Pydantic alone reads more than that as a datetime: a number as seconds since 1970
(`until=241` is 00:04:01 on 1 January 1970), and in the body a date alone. A client
that sent either meant something else; refused, it learns which field and why instead
of getting an answer to a question it did not ask.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

# Date, time to the minute at least, and a zone: Z or an offset. Whether the parts are
# a real day and time is pydantic's to check after.
_ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})")
RULE = "timestamp_iso8601"


def _iso_8601(value: Any) -> Any:
    if isinstance(value, datetime):  # built in Python, not parsed from a client
        return value
    if isinstance(value, str) and _ISO_8601.fullmatch(value):
        return value
    raise PydanticCustomError(
        RULE,
        "should be an ISO 8601 timestamp with its zone, such as 2026-07-01T00:00:00Z, not {given}",
        {"given": repr(value)[:40]},
    )


Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_8601)]
