"""The reports API's OpenAPI links: a report's answer opens its page, its exports, and
the report of its year (or of the year's first round), with the same filters."""

from __future__ import annotations

from shared.http.openapi import Links, link

ROUND = "$response.body#/scope/round_id"
YEAR = "$response.body#/scope/year"
FILTERS = {"category": "$response.body#/scope/category", "level": "$response.body#/scope/level"}


def _views(operation: str, page: str, **where: str) -> dict[str, dict[str, object]]:
    return {
        "Page": link(page, **where, **FILTERS),
        "ExportCsv": link(operation, **where, **FILTERS, format="csv"),
        "ExportXlsx": link(operation, **where, **FILTERS, format="xlsx"),
    }


LINKS: Links = {
    "getRoundReport": {
        "200": {
            **_views("getRoundReport", "getRoundReportPage", round_id=ROUND),
            "GetYearReport": link("getYearReport", year=YEAR, **FILTERS),
            "GetYearReportPage": link("getYearReportPage", year=YEAR, **FILTERS),
        }
    },
    "getYearReport": {
        "200": {
            **_views("getYearReport", "getYearReportPage", year=YEAR),
            "GetFirstRoundReport": link(
                "getRoundReport", round_id="$response.body#/rounds/0/round_id", **FILTERS
            ),
        }
    },
}
