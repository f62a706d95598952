"""The local stack's development clock, which the demo moves for a moment.

A round's awards become final only after its publicity period (five working days by
default), and a demo cannot wait that long. In development only, deploy/local/services.sh
starts the services of `make up` with QSFUND_TEST_CLOCK_FILE naming a file under
$QSFUND_HOME (shared/clock.py): while that file holds a number of seconds, the services'
clock runs that far ahead of the system clock. It notes the file in
$QSFUND_HOME/run/clock-file and says at start and in `status` whether the clock is moved.
The demo writes the file to just past the period's end, finalises, and puts back what it
found; what the services stamped meanwhile carries the moved time, and the demo says so.
A production service refuses the setting, so none of this can happen there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from shared.auth.settings import qsfund_home


def clock_file() -> Path | None:
    """The file the local services read their clock from, if they were started with one."""
    named = os.environ.get("QSFUND_TEST_CLOCK_FILE")
    if named is None:
        try:
            named = (qsfund_home() / "run" / "clock-file").read_text().strip()
        except FileNotFoundError:
            return None
    return Path(named) if named else None


@contextmanager
def moved_to(path: Path, moment: datetime) -> Iterator[int]:
    """Run the services' clock at `moment` (and on from it) inside the block: yields the
    seconds it is moved ahead. Whatever happens, the file is as it was found afterwards."""
    before = path.read_text() if path.exists() else None
    offset = int((moment - datetime.now(UTC)).total_seconds()) + 1
    _write(path, str(offset))
    try:
        yield offset
    finally:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            _write(path, before)


def _write(path: Path, text: str) -> None:
    # Whole or not at all: a service reading it midway must not see half a number.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(text)
    os.replace(temporary, path)
