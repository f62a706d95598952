"""Who may call the register service's endpoints (shared.auth.matrix explains): the
municipal platform loads the register; those who decide or check a decision read an
enterprise's record; the classification is public, for any client's industry picker."""

from __future__ import annotations

from shared.auth.matrix import AUDITOR, OFFICER, PLATFORM, REVIEWER, Access, roles

ACCESS = Access(
    rows={
        ("POST", "/v1/register/loads"): roles(PLATFORM),
        ("GET", "/v1/register/enterprises/{credit_code}"): roles(
            REVIEWER, OFFICER, AUDITOR, PLATFORM
        ),
    },
    public=frozenset({("GET", "/v1/register/industries")}),
)
