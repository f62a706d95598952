"""What the published list (公示) says of a claim: the achievement as a reader names it,
and its level. The auditor holds each published list to the same words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LEVELS = {
    "china_quality_award": "China Quality Award",
    "mayor_quality_award": "mayor's quality award",
    "district_quality_award": "district quality award",
}


def describe(claim: Mapping[str, Any]) -> tuple[str, str]:
    """The achievement as a reader of the list names it, and its level."""
    category = claim["category"]
    if category == "standard":
        role = "lead drafter" if claim["role"] == "lead" else "participating drafter"
        return (
            f"{claim['standard_number']} {claim['title']} ({claim['work']}, {role})",
            str(claim["level"]),
        )
    if category == "quality_brand":
        award = LEVELS.get(claim["award"], claim["award"])
        return f"{award} {claim['year']} ({claim['tier']})", str(claim["award"])
    if category == "pilot_project":
        return str(claim["project_name"]), str(claim["level"])
    return (
        f"adoption of {claim['international_standard']} in {claim['products']}",
        "adoption",
    )
