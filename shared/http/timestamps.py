"""A moment a client sends (a time filter, a round's opening): an ISO 8601 timestamp with
its zone, such as `2026-07-01T00:00:00Z` or `2026-07-01T08:00:00+08:00`.

Pydantic alone reads more than that as a datetime: a number as seconds since 1970
(`until=241` is 00:04:01 on 1 January 1970), and in the body a date alone. A client
that sent either meant something else; refused, it learns which field and why instead
of getting an answer to a question it did not ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

# Date, time to the minute at least, and a zone: Z or an offset. Whether the parts are
# a real day and time is pydantic's to check after.
_ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})")
RULE = "timestamp_iso8601"


def only_text_shaped(
    built: type, shape: re.Pattern[str], rule: str, message: str
) -> Callable[[Any], Any]:
    """A validator, run before pydantic's own, that lets through a value built in Python
    (of type `built`) or a string of `shape`, and refuses anything else under `rule`.
    `message` may name the value refused as `{given}`."""

    def check(value: Any) -> Any:
        if isinstance(value, built):  # built in Python, not parsed from a client
            return value
        if isinstance(value, str) and shape.fullmatch(value):
            return value
        raise PydanticCustomError(rule, message, {"given": repr(value)[:40]})

    return check


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(
        only_text_shaped(
            datetime,
            _ISO_8601,
            RULE,
            "should be an ISO 8601 timestamp with its zone, such as 2026-07-01T00:00:00Z, "
            "not {given}",
        )
    ),
]
