"""A grouped bar chart of the summary table as a self-contained SVG (no plotting dependency).

One group per table column (GSM8k … CARP, Avg), one bar per table row (model / prompt type),
accuracy 0-100 on the y axis, the value printed above each bar, a legend on the right. The
output depends only on the table, so reruns write the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

__all__ = ["bar_chart_svg"]

PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C")
_W_GROUP = 110
_H_PLOT = 260
_LEFT = 50
_TOP = 30
_BOTTOM = 40
_LEGEND_W = 230


def _value(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def bar_chart_svg(header: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> str:
    """SVG text for `rows` (label, then one formatted score per column of `header[1:]`)."""
    columns = list(header[1:])
    n_series = max(1, len(rows))
    width = _LEFT + _W_GROUP * len(columns) + _LEGEND_W
    height = _TOP + _H_PLOT + _BOTTOM
    bar_w = (_W_GROUP - 20) / n_series
    y0 = _TOP + _H_PLOT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{_LEFT}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        y = y0 - _H_PLOT * tick / 100
        parts.append(
            f'<line x1="{_LEFT}" x2="{_LEFT + _W_GROUP * len(columns)}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for g, column in enumerate(columns):
        gx = _LEFT + _W_GROUP * g + 10
        parts.append(
            f'<text x="{gx + (_W_GROUP - 20) / 2:.1f}" y="{y0 + 18}" '
            f'text-anchor="middle">{escape(column)}</text>'
        )
        for s, row in enumerate(rows):
            value = _value(row[g + 1])
            if value is None:
                continue
            h = _H_PLOT * max(0.0, min(value, 100.0)) / 100
            x = gx + s * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y0 - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(row[0])}: {value:.1f}'
                f"</title></rect>"
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y0 - h - 3:.1f}" font-size="9" '
                f'text-anchor="middle">{value:.1f}</text>'
            )
    lx = _LEFT + _W_GROUP * len(columns) + 15
    for s, row in enumerate(rows):
        y = _TOP + 14 * s
        parts.append(
            f'<rect x="{lx}" y="{y}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{lx + 15}" y="{y + 9}">{escape(row[0])}</text>'
        )
    parts.append(
        f'<line x1="{_LEFT}" x2="{_LEFT}" y1="{_TOP}" y2="{y0}" stroke="#333"/>'
        f'<line x1="{_LEFT}" x2="{_LEFT + _W_GROUP * len(columns)}" y1="{y0}" y2="{y0}" '
        f'stroke="#333"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
