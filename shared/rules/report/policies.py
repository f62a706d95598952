"""Which industries each round's policy favours: read from the policy documents, which
the reports service and the auditor load alike."""

from __future__ import annotations

from collections.abc import Iterable

from shared.policy import Policy, UnknownPolicy, policy_version

from .facts import RoundFacts


def priorities(rounds: Iterable[RoundFacts]) -> dict[str, Policy]:
    """Each round's policy, by version: its priority industries, and how it matches them
    (by words, or from 2026.4 by classification codes)."""
    found: dict[str, Policy] = {}
    for version in sorted({r.policy_version for r in rounds if r.policy_version}):
        try:
            found[version] = policy_version(version)
        except UnknownPolicy:
            continue  # a policy this deployment lacks: scoring could not price under it either
    return found
