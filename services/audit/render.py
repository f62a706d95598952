"""Showing the auditor's results to people: tables in the terminal, a printable page."""

from __future__ import annotations

from html import escape
from typing import Any

from rich.console import Console
from rich.table import Table

from .domain.findings import Finding


def findings_table(console: Console, findings: list[Finding], summary: dict[str, Any]) -> None:
    if not findings:
        console.print(f"[green]verified[/green]: {_summary(summary)}; every check holds")
        return
    table = Table(title=f"{len(findings)} findings", show_lines=False)
    for column in ("check", "where", "event", "application", "message"):
        table.add_column(column, overflow="fold")
    for f in findings:
        table.add_row(f.check, str(f.at or ""), f.event_id or "", f.application_id or "", f.message)
    console.print(table)
    console.print(f"[red]not verified[/red]: {_summary(summary)}")


def _summary(summary: dict[str, Any]) -> str:
    return ", ".join(f"{value} {name}" for name, value in summary.items())


def trail_table(console: Console, application_id: str, entries: list[dict[str, Any]]) -> None:
    table = Table(title=f"decision trail of application {application_id}")
    columns = ("when (UTC)", "event", "by", "reason", "policy", "amounts", "references", "where")
    for column in columns:
        table.add_column(column, overflow="fold")
    for e in entries:
        amounts = ", ".join(f"{k}={v}" for k, v in e["amounts"].items())
        references = ", ".join(f"{k}={v}" for k, v in e["references"].items())
        table.add_row(
            e["occurred_at"][:19],
            e["event_type"],
            e["actor"],
            e["reason"],
            e["policy_version"] or "",
            amounts,
            references,
            e["where"],
        )
    console.print(table)


def round_table(console: Console, allocation: dict[str, Any]) -> None:
    table = Table(
        title=f"allocation of round {allocation['round_id']} ({allocation['name']}), "
        f"policy {allocation['policy_version']}"
    )
    for column in ("rank", "application", "enterprise", "score", "claimed", "awarded", "outcome"):
        table.add_column(
            column, justify="right" if column in ("rank", "score", "claimed", "awarded") else "left"
        )
    for row in allocation["claims"]:
        marker = " ◀ budget ran out" if row["rank"] == allocation["budget_ran_out_at_rank"] else ""
        table.add_row(
            str(row["rank"]),
            row["application_id"],
            row["credit_code"],
            str(row["score"]),
            f"{row['claimed_yuan']:,}",
            f"{row['awarded_yuan']:,}",
            row["outcome"] + marker,
        )
    console.print(table)
    console.print(
        f"budget {allocation['budget_yuan']:,} yuan; claimed {allocation['claimed_total_yuan']:,}; "
        f"awarded {allocation['awarded_total_yuan']:,}; unspent {allocation['unspent_yuan']:,}"
    )


def _listing(named: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in named.items()) or "—"


def trail_html(application_id: str, entries: list[dict[str, Any]]) -> str:
    """A self-contained page: a timeline an auditor can print or attach to a report."""
    items = "\n".join(
        f"""<li><time>{escape(e["occurred_at"])}</time>
<h2>{escape(e["event_type"])}</h2>
<dl><dt>by</dt><dd>{escape(e["actor"])}</dd>
<dt>reason</dt><dd>{escape(e["reason"] or "—")}</dd>
<dt>policy</dt><dd>{escape(e["policy_version"] or "—")}</dd>
<dt>amounts</dt><dd>{escape(", ".join(f"{k}: {v:,}" for k, v in e["amounts"].items()) or "—")}</dd>
<dt>references</dt><dd>{escape(_listing(e["references"]))}</dd>
<dt>event</dt><dd><code>{escape(e["event_id"])}</code> at <code>{escape(e["where"])}</code></dd>
<dt>caused by</dt><dd><code>{escape(e["causation_id"] or "—")}</code></dd>
<dt>hash</dt><dd><code>{escape(e["hash"])}</code></dd></dl></li>"""
        for e in entries
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Decision trail of application {escape(application_id)}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 52rem; color: #111; }}
h1 {{ font-size: 1.3rem; }} h2 {{ font-size: 1rem; margin: .1rem 0; }}
ol {{ list-style: none; border-left: 3px solid #345; padding-left: 1.2rem; }}
li {{ margin: 0 0 1.2rem; page-break-inside: avoid; position: relative; }}
li::before {{ content: ""; position: absolute; left: -1.65rem; top: .3rem; width: .7rem;
  height: .7rem; border-radius: 50%; background: #345; }}
time {{ color: #555; font-size: .85rem; }}
dl {{ display: grid; grid-template-columns: 7rem 1fr; margin: .3rem 0; }}
dt {{ color: #555; }} dd {{ margin: 0; }} code {{ font-size: .8rem; word-break: break-all; }}
</style></head><body>
<h1>Decision trail of application <code>{escape(application_id)}</code></h1>
<p>Every event about this application, in the order it happened, as read from the event
log. Each event's hash covers its content and its predecessor's hash.</p>
<ol>
{items}
</ol></body></html>
"""
