"""Whether the system decided as the demo's plan and the pinned policy say it should."""

from __future__ import annotations

from .report import decision
from .run import Result

CLAIMED = 1  # where the claimed amount is in the tuples compared


def differences(result: Result) -> tuple[list[str], int]:
    """Applications with an unexpected status, claim, award, reason or award stage, and a
    published list other than the awards; how many ranks differ."""
    # Ranks are only counted: one claim out of place moves every rank below it.
    found, ranks = [], 0
    stage = "final" if result.publicity.final else "in_publicity"
    for application_id, entry in result.entries.items():
        view = result.views[application_id]
        rank, reason = decision(result.histories[application_id])
        outcome = result.expected.get(application_id)
        seen: tuple[object, ...] = (view["status"], view["claimed_amount_yuan"])
        seen += (view["awarded_amount_yuan"] or 0, reason, view["award_stage"])
        excluded = result.publicity.excluded.get(application_id)
        if excluded:  # found ineligible after an upheld objection; scored first
            wanted: tuple[object, ...] = ("ineligible", seen[CLAIMED], 0, excluded, None)
        elif outcome is None and entry.withdraw:  # scored first: its claimed amount stands
            wanted = ("withdrawn", seen[CLAIMED], 0, None, None)
        elif outcome is None:
            wanted = ("ineligible", None, 0, entry.reason or "lapsed", None)
        else:
            status = "awarded" if outcome.awarded_yuan else "not_awarded"
            wanted = (status, outcome.claimed_amount_yuan, outcome.awarded_yuan)
            wanted += (outcome.reason_code, stage if outcome.awarded_yuan else None)
            ranks += rank != outcome.rank
        if seen != wanted:
            name = f"{entry.firm.short_name}, {entry.final_claim['category']}"
            found.append(f"{application_id} ({name}): got {seen}, expected {wanted}")
    listed = {
        e["application_id"]: e["proposed_amount_yuan"] for e in result.publicity.revised["entries"]
    }
    awards = {i: o.awarded_yuan for i, o in result.expected.items() if o.awarded_yuan}
    if listed != awards:
        found.append(f"the published list's revision 2 is {listed}, not the awards {awards}")
    return found, ranks


def verdict(result: Result) -> str:
    found, ranks = differences(result)
    if not found and not ranks:
        return (
            f"check         all {len(result.entries)} outcomes, and the revised list, are what "
            f"policy {result.round['policy_version']} gives when the demo applies it itself"
        )
    lines = ["check         UNEXPECTED (status, claimed, awarded, reason, award stage):"]
    lines += [f"  {line}" for line in found]
    if ranks:
        lines.append(f"  {ranks} ranks differ from the policy applied by the demo")
    return "\n".join(lines)
