"""The payments API's OpenAPI links: an award's answer opens what may be done to it."""

from __future__ import annotations

from shared.http.openapi import Links, link

AWARD = "$response.body#/application_id"
ROUND = "$response.body#/round_id"


def _on_award() -> dict[str, dict[str, object]]:
    return {
        "GetAward": link("getAward", application_id=AWARD),
        "RegisterPayee": link("registerPayee", application_id=AWARD),
        "ReachMilestone": link("reachMilestone", application_id=AWARD),
        "RevokeAward": link("revokeAward", application_id=AWARD),
        "RecordRepayment": link("recordRepayment", application_id=AWARD),
        "GetRoundPayments": link("getRoundPayments", round_id=ROUND),
    }


LINKS: Links = {
    operation: {"200": _on_award()}
    for operation in (
        "getAward",
        "registerPayee",
        "reachMilestone",
        "revokeAward",
        "recordRepayment",
    )
}
