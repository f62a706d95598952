"""What an applicant files: read by the intake rules and by the application's lifecycle,
so it lives below both."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.values import Claim, Contact, Enterprise, Evidence


@dataclass(frozen=True)
class Filing:
    """What an applicant files, first or as an amendment."""

    enterprise: Enterprise
    claim: Claim
    evidence: list[Evidence]
    contact: Contact
    credit_code_exception: bool = False
