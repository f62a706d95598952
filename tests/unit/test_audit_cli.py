"""`qsfund-audit` as people type it and as programs read it: `--json` wherever it is put,
and piped output whole, neither wrapped nor shortened."""

from __future__ import annotations

import io

import pytest

from services.audit import render
from services.audit.cli import console_on, parser

APPLICATION = "5f0c8a4e-2b1d-4c3e-9f7a-0d6e1b2c3a4f"


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "verify"],
        ["verify", "--json"],
        ["verify", "--round", "r-1", "--json"],
        ["round", "r-1", "--json"],
        ["as-of", "2026-11-30T00:00:00Z", "--round", "r-1", "--json"],
        ["trail", APPLICATION, "--json"],
    ],
)
def test_json_is_taken_before_or_after_the_command(argv: list[str]) -> None:
    assert parser().parse_args(argv).json is True


def test_without_json_the_output_is_for_people() -> None:
    assert parser().parse_args(["verify"]).json is False
    assert parser().parse_args(["--json", "round", "r-1"]).json is True  # not reset by `round`


def test_a_piped_trail_keeps_every_word_and_id_on_one_line() -> None:
    out = io.StringIO()  # not a terminal, as `qsfund-audit trail ... | grep` sees it
    entry = {
        "occurred_at": "2026-11-30T09:00:00.123456+00:00",
        "event_type": "ApplicationSubmitted",
        "actor": "platform:chongqing-gov-platform",
        "reason": "filed through the municipal platform for the enterprise",
        "policy_version": "2026.1",
        "amounts": {"claimed_amount_yuan": 300_000},
        "references": {},
        "where": "qsfund.applications.events/7@1234",
    }
    render.trail_table(console_on(out), APPLICATION, [entry] * 3)
    lines = out.getvalue().splitlines()
    rows = [line for line in lines if "ApplicationSubmitted" in line]
    assert len(rows) == 3
    for expected in (entry["actor"], entry["reason"], entry["where"], "2026-11-30T09:00:00"):
        assert all(str(expected) in row for row in rows), lines
    assert any(APPLICATION in line for line in lines)


def test_a_piped_round_table_shows_whole_ids() -> None:
    out = io.StringIO()
    row = {
        "rank": 1,
        "application_id": APPLICATION,
        "credit_code": "91110108551385082Q",
        "score": 90,
        "claimed_yuan": 300_000,
        "awarded_yuan": 300_000,
        "outcome": "awarded",
    }
    allocation = {
        "round_id": "0b6e2f3a-9c8d-4e7f-a1b2-c3d4e5f6a7b8",
        "name": "2026 Quality and Standardization Incentives",
        "policy_version": "2026.1",
        "claims": [row],
        "budget_ran_out_at_rank": 1,
        "budget_yuan": 300_000,
        "claimed_total_yuan": 300_000,
        "awarded_total_yuan": 300_000,
        "unspent_yuan": 0,
    }
    render.round_table(console_on(out), allocation)
    text = out.getvalue()
    for whole in (APPLICATION, allocation["round_id"], allocation["name"], "budget ran out"):
        assert str(whole) in text


def test_an_explicit_trail_format_wins_over_json() -> None:
    args = parser().parse_args(["--json", "trail", APPLICATION, "--format", "html"])
    assert (args.json, args.format) == (True, "html")
    assert parser().parse_args(["trail", APPLICATION]).format is None  # text, unless --json
