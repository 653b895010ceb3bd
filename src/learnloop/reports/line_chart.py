"""A line chart as SVG: one polyline per series, axes with ticks, a legend, a title and a text
description for screen readers. Used by the simulation and placement reports."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = ["Series", "line_chart_svg"]

_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563")


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    points: Sequence[tuple[float, float]]
    dashed: bool = False


def _ticks(lo: float, hi: float) -> list[float]:
    """About five round ticks (steps of 1, 2 or 5 times a power of ten) within [lo, hi]."""
    span = hi - lo
    base = 10.0 ** math.floor(math.log10(span / 5))
    step = next(m * base for m in (1, 2, 5, 10) if span / (m * base) <= 7)
    first = math.ceil(lo / step) * step
    count = int((hi - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


def line_chart_svg(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    y_range: tuple[float, float] | None = None,
) -> str:
    width, height, pad, legend = 460, 340, 56, 230
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    x_lo, x_hi = min(xs, default=0.0), max(xs, default=1.0)
    y_lo, y_hi = y_range if y_range else (min(ys, default=0.0), max(ys, default=1.0))
    x_hi = x_hi if x_hi > x_lo else x_lo + 1
    y_hi = y_hi if y_hi > y_lo else y_lo + 1

    def xy(x: float, y: float) -> tuple[float, float]:
        px = pad + (x - x_lo) / (x_hi - x_lo) * (width - 2 * pad)
        py = height - pad - (y - y_lo) / (y_hi - y_lo) * (height - 2 * pad)
        return px, py

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + legend}" height="{height}" '
        f'viewBox="0 0 {width + legend} {height}" role="img" aria-labelledby="t d" '
        'font-family="sans-serif" font-size="12">',
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>',
        f'<rect x="{pad}" y="{pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" '
        'fill="none" stroke="#9ca3af"/>',
        f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="14" y="{height / 2}" transform="rotate(-90 14 {height / 2})" '
        f'text-anchor="middle">{escape(y_label)}</text>',
        f'<text x="{(width + legend) / 2}" y="26" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for t in _ticks(x_lo, x_hi):
        x, _ = xy(t, y_lo)
        parts.append(f'<text x="{x:.1f}" y="{height - pad + 16}" text-anchor="middle">{t:g}</text>')
    for t in _ticks(y_lo, y_hi):
        _, y = xy(x_lo, t)
        parts.append(f'<text x="{pad - 6}" y="{y + 4:.1f}" text-anchor="end">{t:g}</text>')
        parts.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" stroke="#e5e7eb"/>'
        )
    for i, s in enumerate(series):
        colour = _COLOURS[i % len(_COLOURS)]
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in (xy(x, y) for x, y in s.points))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        if len(s.points) == 1:
            px, py = xy(*s.points[0])
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"/>')
        ly = pad + 18 * (i + 1)
        parts.append(
            f'<line x1="{width}" y1="{ly - 4}" x2="{width + 20}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="3"{dash}/>'
        )
        parts.append(f'<text x="{width + 26}" y="{ly}">{escape(s.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
