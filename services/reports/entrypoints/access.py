"""Who may call the reports service's endpoints (shared.auth.matrix explains): the
program office and the auditor read the figures; nobody changes them."""

from __future__ import annotations

from shared.auth.matrix import AUDITOR, OFFICER, Access, roles

ACCESS = Access(
    rows={
        ("GET", "/v1/reports/rounds/{round_id}"): roles(OFFICER, AUDITOR),
        ("GET", "/v1/reports/years/{year}"): roles(OFFICER, AUDITOR),
        ("GET", "/v1/reports/rounds/{round_id}/report.html"): roles(OFFICER, AUDITOR),
        ("GET", "/v1/reports/years/{year}/report.html"): roles(OFFICER, AUDITOR),
    }
)
