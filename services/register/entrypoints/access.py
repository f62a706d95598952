"""Who may call the register service's endpoints (shared.auth.matrix explains): the
municipal platform loads the register; those who decide or check a decision read an
enterprise's record; the classification is public, for any client's industry picker.
An official list comes from the platform, or from the program office (the district's own
award, a list no platform carries); a reviewer or an officer decides a unit the rules
could not; whoever decides, checks or submits reads a list."""

from __future__ import annotations

from shared.auth.matrix import AUDITOR, OFFICER, PLATFORM, REVIEWER, Access, roles

ACCESS = Access(
    rows={
        ("POST", "/v1/register/loads"): roles(PLATFORM),
        ("GET", "/v1/register/enterprises/{credit_code}"): roles(
            REVIEWER, OFFICER, AUDITOR, PLATFORM
        ),
        ("POST", "/v1/official-lists"): roles(PLATFORM, OFFICER),
        ("GET", "/v1/official-lists/{list_id}"): roles(PLATFORM, REVIEWER, OFFICER, AUDITOR),
        ("GET", "/v1/official-lists/{list_id}/units"): roles(PLATFORM, REVIEWER, OFFICER, AUDITOR),
        ("POST", "/v1/official-lists/{list_id}/entries/{entry}/units/{unit}/resolve"): roles(
            REVIEWER, OFFICER
        ),
    },
    public=frozenset({("GET", "/v1/register/industries")}),
)
