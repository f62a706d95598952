"""Claims in the four categories, with real-looking numbers and dates in the period."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

PERIOD_START, PERIOD_END = date(2025, 7, 1), date(2026, 6, 30)
# Industry standard series: the number range each ministry's standards use.
INDUSTRY_SERIES = {"WB/T": "1{:03d}", "WS/T": "8{:02d}", "RB/T": "2{:02d}", "JR/T": "03{:02d}"}


class Claims:
    """Builds claim bodies; the dates and numbers come from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def day(self) -> date:
        return PERIOD_START + timedelta(days=self.rng.randrange((PERIOD_END - PERIOD_START).days))

    def standard(
        self,
        level: str,
        title: str,
        series: str = "",
        role: str = "lead",
        work: str = "formulation",
        number: str = "",
    ) -> dict[str, Any]:
        """`number`, if given, is a template of the year: `GB/T 45210.1-{year}`."""
        published = self.day()
        return {
            "category": "standard",
            "level": level,
            "standard_number": (
                number.format(year=published.year)
                if number
                else self._number(level, series, published.year)
            ),
            "title": title,
            "work": work,
            "role": role,
            "published_on": published.isoformat(),
        }

    def _number(self, level: str, series: str, year: int) -> str:
        pick = self.rng.randrange
        if level == "international":
            return f"ISO {pick(20000, 25999)}:{year}"
        if level == "national":
            return f"GB/T {pick(42000, 46999)}-{year}"
        if level == "industry":
            return f"{series} {INDUSTRY_SERIES[series].format(pick(1, 99))}-{year}"
        if level == "local":
            return f"DB50/T {pick(1500, 1899)}-{year}"
        return f"T/{series} {pick(1, 60):03d}-{year}"

    def brand(self, award: str, tier: str, year: int = 2025) -> dict[str, Any]:
        """The title of `year`, conferred on a day of that year inside the period."""
        first, last = max(PERIOD_START, date(year, 1, 1)), min(PERIOD_END, date(year, 12, 31))
        conferred = first + timedelta(days=self.rng.randrange((last - first).days + 1))
        return {
            "category": "quality_brand",
            "award": award,
            "tier": tier,
            "year": year,
            "conferred_on": conferred.isoformat(),
        }

    def pilot(self, level: str, project_name: str) -> dict[str, Any]:
        return {
            "category": "pilot_project",
            "level": level,
            "project_name": project_name,
            "accepted_on": self.day().isoformat(),
        }

    def adoption(self, standard: str, products: str) -> dict[str, Any]:
        return {
            "category": "standard_adoption",
            "international_standard": standard,
            "products": products,
            "adopted_on": self.day().isoformat(),
        }


def label(claim: dict[str, Any]) -> str:
    """A short category/level for the awards table."""
    category = claim["category"]
    if category == "quality_brand":
        award = claim["award"].removesuffix("_quality_award").replace("_", " ")
        return f"brand: {award} award {claim['tier']} {claim['year']}"
    if category == "standard":
        work = "new" if claim["work"] == "formulation" else "revised"
        return f"standard: {claim['level']} {claim['role']}, {work}"
    if category == "pilot_project":
        return f"pilot: {claim['level']}"
    return f"adoption: {claim['international_standard']}"
