"""Plain aligned text tables and amounts, as the demo prints them."""

from __future__ import annotations

from collections.abc import Sequence


def yuan(amount: int | None) -> str:
    return "-" if amount is None else f"{amount:,}"


def table(headers: Sequence[str], lines: list[tuple[str, ...]], numeric: set[int]) -> str:
    """Columns as wide as their widest cell; those in `numeric` aligned right."""
    widths = [max(len(line[i]) for line in [headers, *lines]) for i in range(len(headers))]

    def fmt(line: Sequence[str]) -> str:
        cells = [
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(headers), rule, *map(fmt, lines)])
