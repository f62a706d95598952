"""The one clock a service decides and stamps its events by, built in its bootstrap.

Tests of what takes days (a publicity period of five working days) run the services on
a clock moved by a file: `QSFUND_TEST_CLOCK_FILE` names a file holding a number of
seconds to add to the system clock, read again when it changes. A production service
refuses the setting (shared/auth/settings.py refuses to start with it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def clock_from(test_clock_file: str | None) -> Clock:
    """The system clock, or the system clock shifted by what the test clock file says."""
    if not test_clock_file:
        return system_clock
    path = Path(test_clock_file)
    seen: dict[str, float] = {"mtime": -1.0, "offset": 0.0}

    def shifted() -> datetime:
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            return system_clock()
        if mtime != seen["mtime"]:
            seen["mtime"], seen["offset"] = mtime, float(path.read_text().strip() or 0)
        return system_clock() + timedelta(seconds=seen["offset"])

    return shifted
