"""The status a reader sees, combining this service's events with scoring's."""

from __future__ import annotations

from typing import Literal

Status = Literal[
    "submitted",
    "returned",
    "eligible",
    "ineligible",
    "scored",
    "awarded",
    "not_awarded",
    "withdrawn",
]

_FROM_EVENT: dict[str, Status] = {
    "ApplicationSubmitted": "submitted",
    "ApplicationAmended": "submitted",
    "ApplicationWithdrawn": "withdrawn",
    "ApplicationScored": "scored",
    "ApplicationAwarded": "awarded",
    "ApplicationNotAwarded": "not_awarded",
}
_FINAL: frozenset[Status] = frozenset({"awarded", "not_awarded", "ineligible", "withdrawn"})


def status_after(current: Status | None, event_type: str, decision: str | None = None) -> Status:
    """Statuses only move forward: nothing that arrives late undoes a withdrawal, an
    ineligibility or an allocation outcome."""
    new: Status = decision if event_type == "ApplicationReviewed" else _FROM_EVENT[event_type]  # type: ignore[assignment]
    return current if current in _FINAL else new
