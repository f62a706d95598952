"""The report as one HTML page: two charts drawn here as inline SVG (no script, no
network: the office's machines may have neither) and the report's tables, laid out to
print on A4."""

from __future__ import annotations

from html import escape

from pydantic import BaseModel

from shared.rules.report.shape import Report

_STYLE = """
body { font: 14px/1.4 "Noto Sans", "Helvetica Neue", Arial, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; margin-bottom: 0; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .4em 0; } td, th { border: 1px solid #999;
 padding: .2em .5em; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eee; text-align: left; } svg text { font: 12px sans-serif; fill: #111; }
.charts { display: flex; flex-wrap: wrap; gap: 2em; } figure { margin: 0; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; font-size: 10pt; } section, figure, tr { break-inside: avoid; }
 th { background: none; } .charts { display: block; } }
"""
_COLOURS = {"final": "#1f5f99", "paid": "#6aa84f", "proposed": "#a4c2f4", "budget": "#ccc"}


def _yuan(amount: int) -> str:
    return f"{amount:,}"


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days} d {hours} h" if days else f"{hours} h {rest // 60} min"


def _bars(rows: list[tuple[str, list[tuple[str, int]]]], scale: int, unit: str) -> str:
    """Horizontal bars: each row a label and its values drawn over one another, longest
    first, so a paid bar shows inside its final one."""
    width, label, height = 360, 150, 22
    parts = []
    for i, (name, values) in enumerate(rows):
        y = i * (height + 8)
        parts.append(f'<text x="0" y="{y + 15}">{escape(name)}</text>')
        for kind, value in sorted(values, key=lambda kv: -kv[1]):
            w = 0 if scale <= 0 else round(width * value / scale)
            parts.append(
                f'<rect x="{label}" y="{y}" width="{w}" height="{height}" '
                f'fill="{_COLOURS[kind]}"><title>{kind}: {value:,} {unit}</title></rect>'
            )
        shown = values[0][1]
        text = _duration(shown) if unit == "s" else _yuan(shown)
        parts.append(f'<text x="{label + width + 6}" y="{y + 15}">{text}</text>')
    total = len(rows) * (height + 8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label + width + 110}" '
        f'height="{total}" role="img">{"".join(parts)}</svg>'
    )


def budget_chart(made: Report) -> str:
    by_category: dict[str, dict[str, int]] = {}
    for line in made.by_category_level:
        sums = by_category.setdefault(line.category, {"final": 0, "paid": 0, "proposed": 0})
        sums["final"] += line.final_yuan
        sums["paid"] += line.paid_yuan
        sums["proposed"] += line.proposed_yuan
    rows = [("budget", [("budget", made.budget_yuan)])]
    rows += [(c, [("final", s["final"]), ("paid", s["paid"])]) for c, s in by_category.items()]
    scale = max([made.budget_yuan, *(s["final"] for s in by_category.values())])
    return _bars(rows, scale, "yuan")


def steps_chart(made: Report) -> str:
    rows = [(s.step.replace("_", " "), [("final", s.median_seconds or 0)]) for s in made.steps]
    return _bars(rows, max((s.median_seconds or 0 for s in made.steps), default=0), "s")


def _table(title: str, lines: list[BaseModel]) -> str:
    if not lines:
        return f"<section><h2>{escape(title)}</h2><p>None.</p></section>"
    fields = list(type(lines[0]).model_fields)
    head = "".join(f"<th>{escape(f.replace('_', ' '))}</th>" for f in fields)
    body = []
    for line in lines:
        cells = []
        for f in fields:
            value = getattr(line, f)
            if f.endswith("_yuan"):
                cells.append(f'<td class="n">{_yuan(value)}</td>')
            elif f.endswith("_seconds"):
                cells.append(f'<td class="n">{_duration(value)}</td>')
            else:
                cells.append(f"<td>{escape('-' if value is None else str(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<section><h2>{escape(title)}</h2><table><tr>{head}</tr>{''.join(body)}</table></section>"
    )


def render(made: Report) -> str:
    scope = made.scope
    what = f"round {scope.round_id}" if scope.kind == "round" else f"year {scope.year}"
    filters = f"category {scope.category or 'all'}, level {scope.level or 'all'}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qsfund report: {escape(what)}</title>
<style>{_STYLE}</style></head><body>
<h1>Quality and standardization incentives: report of {escape(what)}</h1>
<p>{escape(filters)}. Money in whole yuan. Budget {_yuan(made.budget_yuan)}.</p>
<div class="charts">
<figure><h2>Budget use by category (final, paid inside it)</h2>{budget_chart(made)}</figure>
<figure><h2>Median time of each step</h2>{steps_chart(made)}</figure>
</div>
{_table("Totals", [made.totals])}
{_table("Rounds", list(made.rounds))}
{_table("By category and level", list(made.by_category_level))}
{_table("Awards by industry", list(made.by_industry))}
{_table("Awards by priority industry", list(made.by_priority_industry))}
{_table("Ineligibility reasons", list(made.ineligibility_reasons))}
{_table("Non-award reasons", list(made.non_award_reasons))}
{_table("Step times", list(made.steps))}
{_table("The year's largest recipients, against the cap", list(made.largest_recipients))}
</body></html>
"""
