"""Structured logs: one JSON object a line, carrying the correlation id of the
application the work concerns, so one application's story can be pulled from all
three services' logs."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from aiokafka.errors import GroupCoordinatorNotAvailableError

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (current := correlation_id.get()) is not None:
            entry["correlation_id"] = current
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class CoordinatorElection(logging.Filter):
    """aiokafka logs an ERROR each time it asks for its group's coordinator and the broker
    has none yet. At a service's start that is normal: a fresh broker elects one within
    seconds, and aiokafka asks again. Said as INFO during `grace_seconds` after start;
    still missing after that, it stays an ERROR, for then consumption is stuck."""

    LOGGER = "aiokafka.consumer.group_coordinator"

    def __init__(
        self, grace_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.clock = clock
        self.until = clock() + grace_seconds

    def filter(self, record: logging.LogRecord) -> bool:
        election = isinstance(record.args, tuple) and any(
            isinstance(arg, GroupCoordinatorNotAvailableError) for arg in record.args
        )
        if election and self.clock() < self.until:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = "no group coordinator yet (normal while the broker elects one): %s"
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    coordinator = logging.getLogger(CoordinatorElection.LOGGER)
    for old in [f for f in coordinator.filters if isinstance(f, CoordinatorElection)]:
        coordinator.removeFilter(old)
    coordinator.addFilter(CoordinatorElection())
