"""Self-contained SVG charts for the report (no plotting dependency): the summary table's grouped
bars (`bar_chart_svg`), labelled horizontal bars (`hbar_chart_svg`) and line charts
(`line_chart_svg`). Outputs depend only on their data, so reruns write the same bytes.

The table chart has one group per table column (GSM8k … CARP, Avg), one bar per table row (model /
prompt type), accuracy 0-100 on the y axis, the value above each bar and a legend on the right.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

__all__ = ["bar_chart_svg", "hbar_chart_svg", "line_chart_svg"]

PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C")
_W_GROUP = 110
_H_PLOT = 260
_LEFT = 50
_TOP = 52  # room above a 100 % bar for its (turned) value
_BOTTOM = 40
_LEGEND_W = 230


def _value(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _svg_head(
    width: float,
    height: float,
    title: str,
    *,
    size: int = 12,
    title_at: tuple[float, float] = (10, 20),
    title_size: int = 14,
) -> list[str]:
    """The opening tag, a white background and the bold title of a chart."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{size}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{title_at[0]}" y="{title_at[1]}" font-size="{title_size}" '
        f'font-weight="bold">{escape(title)}</text>',
    ]


def _bar_value(x: float, y: float, value: float, *, upright: bool) -> str:
    """The value above a bar; turned 90 degrees when the bars are too narrow for the text."""
    if upright:
        return (
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="9" text-anchor="middle">{value:.1f}</text>'
        )
    return (
        f'<text x="{x + 3:.1f}" y="{y:.1f}" font-size="9" transform="rotate(-90 {x + 3:.1f} '
        f'{y:.1f})">{value:.1f}</text>'
    )


def bar_chart_svg(header: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> str:
    """SVG text for `rows` (label, then one formatted score per column of `header[1:]`)."""
    columns = list(header[1:])
    n_series = max(1, len(rows))
    width = _LEFT + _W_GROUP * len(columns) + _LEGEND_W
    height = _TOP + _H_PLOT + _BOTTOM
    bar_w = (_W_GROUP - 20) / n_series
    y0 = _TOP + _H_PLOT
    parts = [
        *_svg_head(width, height, title, size=11, title_at=(_LEFT, 18), title_size=13),
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
                + _bar_value(x + (bar_w - 2) / 2, y0 - h - 3, value, upright=bar_w >= 24)
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


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _axis(value: float) -> tuple[float, int]:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most six ticks up to
    `value`; returns (axis maximum, number of steps)."""
    if value <= 0:
        return 1.0, 5
    raw = value / 6
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if raw <= s * power)
    n = max(1, math.ceil(value / step - 1e-9))
    return step * n, n


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def hbar_chart_svg(
    groups: Sequence[tuple[str, Sequence[tuple[str, float, str]]]],
    title: str,
    *,
    max_value: float | None = None,
    unit: str = "",
) -> str:
    """Horizontal bars in labelled groups: each bar is (label, value, text printed after it).

    A group's label is a header row above its bars; one colour per bar position within a group,
    so the same stage or prompt type reads the same in every group; `max_value` fixes the scale
    (e.g. 100 for percentages).
    """
    longest = max([len(text) for _, bars in groups for _, _, text in bars] + [0])
    label_w, bar_w, row_h, gap = 170, 420, 18, 10
    text_w = max(260, 7 * longest + 20)  # room for the longest text after a full bar
    top = 34
    n_rows = sum(len(bars) + bool(group) for group, bars in groups)
    height = top + n_rows * row_h + gap * len(groups) + 30
    width = label_w + bar_w + text_w
    peak = max([v for _, bars in groups for _, v, _ in bars] + [0.0])
    scale = max_value or _nice_max(peak)
    parts = [
        *_svg_head(width, height, title),
    ]
    y = top
    for group, bars in groups:
        if group:
            parts.append(f'<text x="10" y="{y + 13}" font-weight="bold">{escape(group)}</text>')
            y += row_h
        parts.append(
            f'<line x1="{label_w}" x2="{label_w}" y1="{y}" y2="{y + row_h * len(bars)}" '
            'stroke="#333"/>'
        )
        for i, (label, value, text) in enumerate(bars):
            w = bar_w * max(0.0, min(value, scale)) / scale
            parts.append(
                f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{escape(label)}</text>'
                f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row_h - 4}" '
                f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(label)}: {escape(text)}'
                f"</title></rect>"
                f'<text x="{label_w + w + 5:.1f}" y="{y + 13}">{escape(text)}</text>'
            )
            y += row_h
        y += gap
    parts.append(
        f'<text x="{label_w}" y="{y + 8}" fill="#555">0</text>'
        f'<text x="{label_w + bar_w}" y="{y + 8}" text-anchor="end" fill="#555">'
        f"{_fmt(scale)}{escape(unit)}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def line_chart_svg(
    series: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    title: str,
    *,
    x_label: str,
    y_label: str,
    styles: Mapping[str, tuple[int, bool]] | None = None,
) -> str:
    """Lines of (x, y) points on shared axes from 0, legend at the top (wrapped). A series is
    drawn in its own colour, or as `styles[name]` = (colour index, dashed) says (e.g. a model's
    training and held-out curves: one colour, the held-out one dashed)."""
    styles = styles or {}
    left, right, top, w, h = 60, 20, 50, 560, 280
    legend_rows, legend_x = 1, left
    for name, _ in series:  # how many legend rows the names take
        if legend_x + 40 + 7 * len(name) > left + w and legend_x > left:
            legend_rows, legend_x = legend_rows + 1, left
        legend_x += 40 + 7 * len(name)
    top += 16 * (legend_rows - 1)
    bottom = 45
    width, height = left + w + right, top + h + bottom
    points = [p for _, pts in series for p in pts]
    x_max, x_steps = _axis(max([x for x, _ in points] + [0.0]))
    y_max, y_steps = _axis(max([y for _, y in points] + [0.0]))
    parts = [
        *_svg_head(width, height, title),
    ]
    for k in range(y_steps + 1):
        gy = top + h - h * k / y_steps
        parts.append(
            f'<line x1="{left}" x2="{left + w}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#e5e5e5"/>'
            f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end">'
            f"{_fmt(y_max * k / y_steps)}</text>"
        )
    for k in range(x_steps + 1):
        parts.append(
            f'<text x="{left + w * k / x_steps:.1f}" y="{top + h + 16}" text-anchor="middle">'
            f"{_fmt(x_max * k / x_steps)}</text>"
        )
    legend_x, legend_y = left, 30
    for i, (name, pts) in enumerate(series):
        index, dashed = styles.get(name, (i, False))
        colour = PALETTE[index % len(PALETTE)]
        xy = " ".join(f"{left + w * x / x_max:.1f},{top + h - h * y / y_max:.1f}" for x, y in pts)
        if legend_x + 40 + 7 * len(name) > left + w and legend_x > left:
            legend_x, legend_y = left, legend_y + 16
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(
            f'<polyline points="{xy}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<line x1="{legend_x}" x2="{legend_x + 12}" y1="{legend_y + 5}" '
            f'y2="{legend_y + 5}" stroke="{colour}" stroke-width="3"{dash}/>'
            f'<text x="{legend_x + 16}" y="{legend_y + 9}">{escape(name)}</text>'
        )
        legend_x += 40 + 7 * len(name)
        for x, y in pts:
            parts.append(
                f'<circle cx="{left + w * x / x_max:.1f}" cy="{top + h - h * y / y_max:.1f}" '
                f'r="2.5" fill="{colour}"><title>{escape(name)} step {_fmt(x)}: {y:.4g}'
                f"</title></circle>"
            )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + h}" stroke="#333"/>'
        f'<line x1="{left}" x2="{left + w}" y1="{top + h}" y2="{top + h}" stroke="#333"/>'
        f'<text x="{left + w / 2}" y="{height - 8}" text-anchor="middle">{escape(x_label)}</text>'
        f'<text transform="translate(14 {top + h / 2}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
