"""A round's figures, read without a transaction in one pass over its applications:
each application counted once by status, by category and by industry, and the awarded
total summing only what was awarded in that round."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from services.applications.adapters.tables import application, funding_round
from services.applications.queries import round_view
from shared.runtime import read_sessions

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def filed(n: int, round_id: str, category: str, industry: str, status: str, **more: Any) -> Any:
    return {
        "id": f"{round_id}-{n}",
        "round_id": round_id,
        "credit_code": f"{n:018d}",
        "enterprise_name": f"enterprise {n}",
        "industry": industry,
        "category": category,
        "status": status,
        "submitted_at": NOW,
        "updated_at": NOW,
        **more,
    }


def opened(round_id: str) -> dict[str, Any]:
    return {
        "id": round_id,
        "name": "2026 round",
        "year": 2026,
        "opens_at": NOW,
        "closes_at": NOW,
        "period_start": date(2025, 7, 1),
        "period_end": date(2026, 6, 30),
        "budget_yuan": 1_000_000,
        "enterprise_cap_yuan": 500_000,
        "policy_version": "2026.2",
        "created_at": NOW,
    }


async def test_each_figure_counts_each_application_once(applications_engine: AsyncEngine) -> None:
    async with applications_engine.begin() as db:
        await db.execute(insert(funding_round), [opened("r1"), opened("r2"), opened("r3")])
        await db.execute(
            insert(application),
            [
                filed(1, "r1", "standard", "logistics", "awarded", awarded_amount_yuan=300_000),
                filed(2, "r1", "standard", "chemicals", "awarded", awarded_amount_yuan=50_000),
                filed(
                    3, "r1", "pilot_project", "logistics", "not_awarded", awarded_amount_yuan=None
                ),
                filed(4, "r1", "quality_brand", "logistics", "scored", awarded_amount_yuan=7),
                filed(5, "r2", "standard", "logistics", "awarded", awarded_amount_yuan=900_000),
            ],
        )
    async with read_sessions(applications_engine)() as session:
        view = await round_view(session, "r1")
        other = await round_view(session, "r2")
        empty = await round_view(session, "r3")
    assert view["applications_by_status"] == {"awarded": 2, "not_awarded": 1, "scored": 1}
    assert view["applications_by_category"] == {
        "pilot_project": 1,
        "quality_brand": 1,
        "standard": 2,
    }
    assert view["applications_by_industry"] == {"chemicals": 1, "logistics": 3}
    assert view["awarded_total_yuan"] == 350_000
    assert (view["name"], view["status"], view["budget_yuan"]) == ("2026 round", "open", 1_000_000)
    assert other["awarded_total_yuan"] == 900_000
    assert (empty["applications_by_status"], empty["awarded_total_yuan"]) == ({}, 0)
