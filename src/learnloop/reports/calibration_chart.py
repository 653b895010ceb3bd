"""A reliability diagram: predicted probability against the observed rate, one line per model."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from learnloop.reports.model_evaluation import ModelResult

__all__ = ["calibration_svg"]

_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563")


def calibration_svg(results: Sequence[ModelResult], *, title: str) -> str:
    size, pad = 420, 50
    scale = size - 2 * pad

    def xy(p: float, q: float) -> tuple[float, float]:
        return pad + p * scale, size - pad - q * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 190}" height="{size}" '
        f'viewBox="0 0 {size + 190} {size}" role="img" aria-labelledby="t d" font-family="sans-serif" font-size="12">',
        f'<title id="t">{escape(title)}</title>',
        '<desc id="d">Calibration: for each model, the observed rate of right answers against the '
        "mean predicted probability, in ten bins. The diagonal is perfect calibration.</desc>",
        f'<rect x="{pad}" y="{pad}" width="{scale}" height="{scale}" fill="none" stroke="#9ca3af"/>',
        f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#9ca3af" stroke-dasharray="4 4"/>',
        f'<text x="{size / 2}" y="{size - 12}" text-anchor="middle">predicted P(correct)</text>',
        f'<text x="14" y="{size / 2}" transform="rotate(-90 14 {size / 2})" text-anchor="middle">observed rate</text>',
        f'<text x="{size / 2}" y="28" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in (0.0, 0.5, 1.0):
        x, y = xy(tick, tick)
        parts.append(f'<text x="{x}" y="{size - pad + 16}" text-anchor="middle">{tick:g}</text>')
        parts.append(f'<text x="{pad - 8}" y="{y + 4}" text-anchor="end">{tick:g}</text>')
    seen: list[str] = []
    for r in results:
        if r.model in seen:
            continue  # the first fold stands for the model
        seen.append(r.model)
        colour = _COLOURS[(len(seen) - 1) % len(_COLOURS)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(p, q) for p, q, _ in r.calibration))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        ly = pad + 18 * len(seen)
        parts.append(
            f'<line x1="{size}" y1="{ly - 4}" x2="{size + 20}" y2="{ly - 4}" stroke="{colour}" stroke-width="3"/>'
        )
        parts.append(f'<text x="{size + 26}" y="{ly}">{escape(r.model)} (AUC {r.auc:.3f})</text>')
    parts.append("</svg>")
    return "".join(parts)
