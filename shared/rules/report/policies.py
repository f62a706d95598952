"""Which industries each round's policy favours: read from the policy documents, which
the reports service and the auditor load alike."""

from __future__ import annotations

from collections.abc import Iterable

from shared.policy import UnknownPolicy, policy_version

from .facts import RoundFacts


def priorities(rounds: Iterable[RoundFacts]) -> dict[str, list[str]]:
    """Each round policy's priority industries, by policy version."""
    found: dict[str, list[str]] = {}
    for version in {r.policy_version for r in rounds if r.policy_version}:
        try:
            found[version] = policy_version(version).priority_industries
        except UnknownPolicy:
            continue  # a policy this deployment lacks: scoring could not price under it either
    return found
