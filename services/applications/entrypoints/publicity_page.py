"""The published list as a printable HTML page: plain markup, every value escaped."""

from __future__ import annotations

from html import escape

from shared.rules.calendar import BEIJING

from .publicity_schemas import PublishedListView

_STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans", sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #444; padding: 0.3em 0.5em; text-align: left; }
td.amount, th.amount { text-align: right; }
.digest { font-family: monospace; word-break: break-all; }
@media print { a { color: inherit; text-decoration: none; } }
"""

_STAGES = {
    "in_publicity": "in publicity: objections are taken until the period ends",
    "ended": "the publicity period has ended",
    "final": "final: the awards have been decided",
}


def render_list(view: PublishedListView) -> str:
    rows = "\n".join(
        "<tr>"
        f"<td>{number}</td><td>{escape(e.enterprise_name)}</td><td>{escape(e.credit_code)}</td>"
        f"<td>{escape(e.category.replace('_', ' '))}</td><td>{escape(e.achievement)}</td>"
        f"<td>{escape(e.level.replace('_', ' '))}</td>"
        f'<td class="amount">{e.proposed_amount_yuan:,}</td>'
        "</tr>"
        for number, e in enumerate(view.entries, 1)
    )
    unit = "working days" if view.day_kind == "working" else "days"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Publicity: {escape(view.round_name)}</title><style>{_STYLE}</style></head>
<body>
<h1>Proposed awards: {escape(view.round_name)}</h1>
<p>Published {view.published_at.astimezone(BEIJING):%Y-%m-%d %H:%M} for {view.days} {unit},
until the end of {view.last_day} (Beijing time). Status: {escape(_STAGES[view.stage])}.
List revision {view.revision}, of {view.revised_at.astimezone(BEIJING):%Y-%m-%d %H:%M}.</p>
<table>
<thead><tr><th>No.</th><th>Enterprise</th><th>Credit code</th><th>Category</th>
<th>Achievement</th><th>Level</th><th class="amount">Proposed (yuan)</th></tr></thead>
<tbody>
{rows}
</tbody>
<tfoot><tr><th colspan="6">Total</th><th class="amount">{view.total_yuan:,}</th></tr></tfoot>
</table>
<p>Objections: anyone may object in writing, by name, while the period runs, at
<code>{escape(view.objections_to)}</code>. Anonymous objections are not accepted; the
objector's identity is kept confidential.</p>
<p>Digest of the decision history behind this list (SHA-256 over the heads of
{len(view.heads)} event streams): <span class="digest">{view.digest}</span></p>
</body></html>
"""
