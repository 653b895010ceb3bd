"""Server-rendered SVG charts. Each has a <title> and <desc>, and never relies on colour alone:
cells print their value, nodes print their state. Text is escaped; nothing here runs script."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup, escape

from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.reports.class_views import ClassOverview
from learnloop.reports.learner_views import ObjectiveView
from learnloop.reports.learning_curves import ObjectiveCurve
from learnloop.web.vocabulary import STATE_LABELS

__all__ = ["curve_svg", "heat_colour", "heatmap_svg", "progress_map_svg", "sparkline_svg"]

_LOW = (254, 243, 199)  # amber-100: little evidence of knowledge
_HIGH = (37, 99, 235)  # blue-600: close to mastery
_MASTERED = "#15803d"
_LOCKED = "#e5e7eb"
_UNSEEN = "#f8fafc"


def _text(text: str) -> str:
    """Text escaped for the SVG, as a plain string (adding a str to a Markup would escape the
    markup around it)."""
    return str(escape(text))


def heat_colour(p: float | None, state: str = "") -> str:
    if state == "mastered":
        return _MASTERED
    if state == "locked":
        return _LOCKED
    if p is None:
        return _UNSEEN
    t = max(0.0, min(1.0, p))
    r, g, b = (round(lo + (hi - lo) * t) for lo, hi in zip(_LOW, _HIGH, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _text_colour(p: float | None, state: str) -> str:
    return (
        "#ffffff"
        if state == "mastered" or (p is not None and p > 0.55 and state != "locked")
        else "#1f2937"
    )


def heatmap_svg(overview: ClassOverview, *, words: Wording = IN_ENGLISH) -> Markup:
    """Learners (rows) by objectives (columns), each cell P(known) or a mastered tick."""
    cell_w, cell_h, left, top = 58, 30, 170, 150
    n_rows, n_cols = len(overview.learners), len(overview.objectives)
    # the rotated column titles lean right: leave them room past the last column
    width, height = left + cell_w * n_cols + 130, top + cell_h * n_rows + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="hm-title hm-desc">',
        '<title id="hm-title">'
        + _text(words("Mastery of %(class_name)s", class_name=overview.name))
        + "</title>",
        '<desc id="hm-desc">'
        + _text(
            words(
                "%(rows)s learners by %(cols)s objectives. Each cell gives the estimated chance that the "
                "learner knows the objective; a tick marks mastery, a dash an objective still locked. The "
                "table below gives the same figures.",
                rows=n_rows,
                cols=n_cols,
            )
        )
        + "</desc>",
    ]
    for j, (_, title) in enumerate(overview.objectives):
        x = left + j * cell_w + cell_w / 2
        parts.append(
            f'<text class="col" x="{x:.0f}" y="{top - 8}" transform="rotate(-40 {x:.0f} {top - 8})">{escape(title)}</text>'
        )
    for i, row in enumerate(overview.learners):
        y = top + i * cell_h
        parts.append(
            f'<text class="row" x="{left - 8}" y="{y + cell_h / 2 + 4:.0f}" text-anchor="end">{escape(row.display_name)}</text>'
        )
        for j, cell in enumerate(row.cells):
            x = left + j * cell_w
            colour = heat_colour(cell.p_known, cell.state)
            answers = words.plural("%(num)s answer", "%(num)s answers", cell.attempts)
            label = (
                "✓"
                if cell.state == "mastered"
                else (
                    "–"
                    if cell.state == "locked"
                    else (words.percent(cell.p_known) if cell.p_known is not None else "·")
                )
            )
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" rx="3" fill="{colour}">'
                f"<title>{escape(row.display_name)}, {escape(overview.objectives[j][1])}: "
                f"{_text(words(STATE_LABELS[cell.state]))}"
                f"{'' if cell.p_known is None else ', ' + words.percent(cell.p_known)}, "
                f"{_text(answers)}</title></rect>"
                f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 4:.0f}" text-anchor="middle" '
                f'fill="{_text_colour(cell.p_known, cell.state)}" aria-hidden="true">{label}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in parts went through escape)


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """Words onto at most ``lines`` lines of about ``width`` characters; an ellipsis if cut."""
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def progress_map_svg(
    objectives: Sequence[ObjectiveView], *, title: str, words: Wording = IN_ENGLISH
) -> Markup:
    """The prerequisite graph, left to right by depth, each node coloured and labelled by state."""
    node_w, node_h, gap_x, gap_y, pad = 180, 66, 48, 16, 12
    columns: dict[int, list[ObjectiveView]] = {}
    for o in objectives:
        columns.setdefault(o.depth, []).append(o)
    pos: dict[str, tuple[float, float]] = {}
    for depth, column in columns.items():
        for i, o in enumerate(column):
            pos[o.key] = (pad + depth * (node_w + gap_x), pad + i * (node_h + gap_y))
    width = pad * 2 + (max(columns, default=0) + 1) * (node_w + gap_x) - gap_x
    height = pad * 2 + max((len(c) for c in columns.values()), default=1) * (node_h + gap_y) - gap_y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress-map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="pm-title pm-desc">',
        f'<title id="pm-title">{escape(title)}</title>',
        '<desc id="pm-desc">'
        + _text(
            words(
                "Objectives from left to right in prerequisite order; an arrow leads from a prerequisite "
                "to what it unlocks. The list below says the same in words."
            )
        )
        + "</desc>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#94a3b8"/></marker></defs>',
    ]
    for o in objectives:
        x2, y2 = pos[o.key]
        for req in o.prerequisites:
            if req in pos:
                x1, y1 = pos[req]
                sx, sy, ex, ey = x1 + node_w, y1 + node_h / 2, x2, y2 + node_h / 2
                mx = (sx + ex) / 2
                parts.append(
                    f'<path d="M {sx:.0f} {sy:.0f} C {mx:.0f} {sy:.0f}, {mx:.0f} {ey:.0f}, {ex:.0f} {ey:.0f}" '
                    'fill="none" stroke="#94a3b8" stroke-width="1.5" marker-end="url(#arrow)"/>'
                )
    for o in objectives:
        x, y = pos[o.key]
        colour = heat_colour(o.p_known if o.attempts else None, o.state)
        text_colour = _text_colour(o.p_known if o.attempts else None, o.state)
        status = _text(words(STATE_LABELS[o.state])) + (
            f" · {words.percent(o.p_known)}" if o.state == "in-progress" else ""
        )
        dash = ' stroke-dasharray="4 3"' if o.state == "locked" else ""
        stroke = 2 if o.state == "ready" else 1
        parts.append(
            f'<g class="node {o.state}"><rect x="{x}" y="{y}" width="{node_w}" height="{node_h}" rx="8" '
            f'fill="{colour}" stroke="#64748b" stroke-width="{stroke}"{dash}/>'
            + "".join(
                f'<text x="{x + 10}" y="{y + 19 + 15 * i}" fill="{text_colour}" class="node-title">{escape(line)}</text>'
                for i, line in enumerate(_wrap(o.title, 22, 2))
            )
            + f'<text x="{x + 10}" y="{y + 56}" fill="{text_colour}" class="node-state">{status}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in parts went through escape)


def sparkline_svg(
    points: Sequence[tuple[datetime, float]],
    *,
    threshold: float,
    label: str,
    words: Wording = IN_ENGLISH,
) -> Markup:
    """P(known) after each answer, with the mastery threshold as a dashed line."""
    w, h, pad = 160, 36, 3
    if not points:
        none_yet = _text(words("no answers yet"))
        return Markup(f'<span class="muted">{none_yet}</span>')  # noqa: S704 (escaped)
    n = len(points)
    xs = [pad + (w - 2 * pad) * (i / max(1, n - 1)) for i in range(n)]
    ys = [h - pad - (h - 2 * pad) * p for _, p in points]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    ty = h - pad - (h - 2 * pad) * threshold
    first, last = points[0][1], points[-1][1]
    return Markup(  # noqa: S704 (the label is escaped; the rest are numbers)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{escape(label)}: '
        + _text(
            words.plural(
                "from %(first)s to %(last)s over %(num)s answer",
                "from %(first)s to %(last)s over %(num)s answers",
                n,
                first=words.percent(first),
                last=words.percent(last),
            )
        )
        + '">'
        f'<line x1="0" x2="{w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#15803d" stroke-dasharray="3 3"/>'
        f'<polyline points="{line}" fill="none" stroke="#2563eb" stroke-width="2"/>'
        f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="2.5" fill="#2563eb"/></svg>'
    )


def curve_svg(curve: ObjectiveCurve, *, horizon: int, words: Wording = IN_ENGLISH) -> Markup:
    """One objective's learning curve: error rate (0 to 100%) against practice opportunity, each
    point labelled with its rate; the page's table gives the same numbers."""
    w, h, left, right, top, bottom = 280, 156, 42, 10, 10, 32
    if not curve.points:  # the page says why: too few learners reached a first point
        return Markup("")

    def x(k: int) -> float:
        return left + (w - left - right) * (k - 1) / max(1, horizon - 1)

    def y(rate: float) -> float:
        return top + (h - top - bottom) * (1.0 - rate)

    line = " ".join(f"{x(p.opportunity):.1f},{y(p.error_rate):.1f}" for p in curve.points)
    axis = _text(words("practice opportunity"))
    rates = ", ".join(words.percent(p.error_rate) for p in curve.points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="curve" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-labelledby="c-{escape(curve.key)}-t">'
        f'<title id="c-{escape(curve.key)}-t">'
        + _text(
            words(
                "%(objective)s: error rate at opportunities 1 to %(last)s: %(rates)s",
                objective=curve.title,
                last=len(curve.points),
                rates=rates,
            )
        )
        + "</title>"
    ]
    for rate in (0.0, 0.5, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(rate):.1f}" y2="{y(rate):.1f}" '
            f'stroke="#d1d5db"/><text x="{left - 4}" y="{y(rate) + 4:.1f}" text-anchor="end" '
            f'font-size="10" fill="#4b5563">{words.percent(rate)}</text>'
        )
    for k in (1, horizon):
        parts.append(
            f'<text x="{x(k):.1f}" y="{h - 18}" text-anchor="middle" font-size="10" '
            f'fill="#4b5563">{k}</text>'
        )
    parts.append(
        f'<text x="{(left + w - right) / 2:.1f}" y="{h - 4}" text-anchor="middle" font-size="10" '
        f'fill="#4b5563">{axis}</text>'
        f'<polyline points="{line}" fill="none" stroke="#2563eb" stroke-width="2"/>'
    )
    for p in curve.points:
        parts.append(
            f'<circle cx="{x(p.opportunity):.1f}" cy="{y(p.error_rate):.1f}" r="3" '
            'fill="#2563eb"><title>'
            + _text(
                words(
                    "opportunity %(k)s: %(percent)s wrong, %(n)s learners",
                    k=p.opportunity,
                    percent=words.percent(p.error_rate),
                    n=p.learners,
                )
            )
            + "</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (titles are escaped; the rest are numbers)
