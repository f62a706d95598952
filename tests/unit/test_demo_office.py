"""The demo's last check: the office's report against what the other APIs showed."""

from __future__ import annotations

from typing import Any

from demo.office import Office, problems, summary

STEPS = ("submission_to_review", "review_to_score", "close_to_final", "final_to_paid")


def made(final: int, paid: int) -> dict[str, Any]:
    money = {
        "applications": 2,
        "claimed_yuan": 400_000,
        "proposed_yuan": 300_000,
        "final_yuan": final,
        "paid_yuan": paid,
        "recovered_yuan": 0,
    }
    line = {**money, "category": "standard", "level": "national"}
    steps = [{"step": s, "applications": 2, "median_seconds": 90_061} for s in STEPS]
    return {"budget_yuan": 500_000, "totals": money, "by_category_level": [line], "steps": steps}


def shown(final: int, paid: int, caught_up: bool = True) -> Office:
    page = "http://127.0.0.1:8005/v1/reports/rounds/r1/report.html"
    seen = {"final_yuan": 300_000, "paid_yuan": 300_000}
    return Office(made(final, paid), page, caught_up, seen)


def test_a_report_that_agrees_passes_and_says_so() -> None:
    agreeing = shown(300_000, 300_000)
    assert problems(agreeing) == []
    text = summary(agreeing)
    assert "final (300,000 yuan) and paid (300,000) totals are what" in text
    assert "submission to review 1 d 1 h (2)" in text


def test_a_report_short_of_a_payment_is_named() -> None:
    short = shown(300_000, 200_000)
    assert problems(short) == ["the report's paid total is 200,000 yuan, the APIs showed 300,000"]
    assert "the report's paid total is 200,000 yuan" in summary(short)


def test_a_report_that_never_caught_up_fails_the_demo_even_where_its_totals_agree() -> None:
    late = shown(300_000, 300_000, caught_up=False)
    assert problems(late) == [
        "the report had not caught up with the demo when the patience ran out"
    ]
    assert "NOT caught up" in summary(late)
