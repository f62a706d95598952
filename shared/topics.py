"""Topic names: one topic per producing service, keyed by aggregate id, and dead letters.

The namespace prefix lets a test run or a second environment share one broker without
sharing a single topic or consumer group.
"""

from __future__ import annotations

from dataclasses import dataclass

APPLICATIONS_EVENTS = "applications.events"
SCORING_EVENTS = "scoring.events"
PAYMENTS_EVENTS = "payments.events"
REGISTER_EVENTS = "register.events"
DEAD_LETTERS = "dead-letters"
REVOCATIONS = "auth.revocations"


@dataclass(frozen=True)
class Topics:
    namespace: str = "qsfund"

    def name(self, suffix: str) -> str:
        return f"{self.namespace}.{suffix}"

    @property
    def applications(self) -> str:
        return self.name(APPLICATIONS_EVENTS)

    @property
    def scoring(self) -> str:
        return self.name(SCORING_EVENTS)

    @property
    def payments(self) -> str:
        return self.name(PAYMENTS_EVENTS)

    @property
    def register(self) -> str:
        """The district's enterprise register, as the municipal platform loads it."""
        return self.name(REGISTER_EVENTS)

    @property
    def dead_letters(self) -> str:
        return self.name(DEAD_LETTERS)

    @property
    def revocations(self) -> str:
        """Tokens revoked before their expiry, which every instance reads whole."""
        return self.name(REVOCATIONS)

    def group(self, service: str) -> str:
        """The service's consumer group, in this namespace: groups of two namespaces on
        one broker never rebalance each other."""
        return self.name(service)

    def all(self) -> list[str]:
        return [
            self.applications,
            self.scoring,
            self.payments,
            self.register,
            self.dead_letters,
            self.revocations,
        ]
