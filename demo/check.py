"""Whether the system decided as the demo's plan and the pinned policy say it should."""

from __future__ import annotations

from .report import decision
from .run import Result


def differences(result: Result) -> tuple[list[str], int]:
    """Applications with an unexpected status, claim, award or reason; differing ranks."""
    # Ranks are only counted: one claim out of place moves every rank below it.
    found, ranks = [], 0
    for application_id, entry in result.entries.items():
        view = result.views[application_id]
        rank, reason = decision(result.histories[application_id])
        outcome = result.expected.get(application_id)
        seen: tuple[object, ...] = (view["status"], view["claimed_amount_yuan"])
        seen += (view["awarded_amount_yuan"] or 0, reason)
        if outcome is None and entry.withdraw:  # scored first: its claimed amount stands
            wanted: tuple[object, ...] = ("withdrawn", seen[1], 0, None)
        elif outcome is None:
            wanted = ("ineligible", None, 0, entry.reason or "lapsed")
        else:
            status = "awarded" if outcome.awarded_yuan else "not_awarded"
            wanted = (status, outcome.claimed_amount_yuan, outcome.awarded_yuan)
            wanted += (outcome.reason_code,)
            ranks += rank != outcome.rank
        if seen != wanted:
            name = f"{entry.firm.short_name}, {entry.final_claim['category']}"
            found.append(f"{application_id} ({name}): got {seen}, expected {wanted}")
    return found, ranks


def verdict(result: Result) -> str:
    found, ranks = differences(result)
    if not found and not ranks:
        return (
            f"check         all {len(result.entries)} outcomes are what policy "
            f"{result.round['policy_version']} gives when the demo applies it itself"
        )
    lines = ["check         UNEXPECTED (status, claimed, awarded, reason):"]
    lines += [f"  {line}" for line in found]
    if ranks:
        lines.append(f"  {ranks} ranks differ from the policy applied by the demo")
    return "\n".join(lines)
