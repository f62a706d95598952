"""What the auditor reports: which check failed, why, and exactly where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .records import Coordinates, LoggedEvent


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    at: Coordinates | None = None
    event_id: str | None = None
    application_id: str | None = None
    round_id: str | None = None

    @classmethod
    def about(cls, check: str, message: str, event: LoggedEvent, **where: Any) -> Finding:
        return cls(check, message, event.at, event.event_id, **where)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "message": self.message,
            "topic": self.at.topic if self.at else None,
            "partition": self.at.partition if self.at else None,
            "offset": self.at.offset if self.at else None,
            "event_id": self.event_id,
            "application_id": self.application_id,
            "round_id": self.round_id,
        }
