"""The SVG line chart: well-formed, described, one line per series, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from learnloop.reports.line_chart import Series, line_chart_svg

NS = "{http://www.w3.org/2000/svg}"


def test_one_polyline_per_series_with_a_legend_and_escaped_text() -> None:
    svg = line_chart_svg(
        [
            Series("adaptive <Bayes>", [(0, 0.6), (5, 0.9)]),
            Series("fixed", [(12, 0.85)], dashed=True),
        ],
        title="Accuracy & questions",
        description="accuracy against questions asked",
        x_label="questions",
        y_label="accuracy",
        y_range=(0.5, 1.0),
    )
    root = ET.fromstring(svg)  # noqa: S314 -- our own SVG, not untrusted input
    assert root.find(f"{NS}title").text == "Accuracy & questions"  # type: ignore[union-attr]
    assert root.find(f"{NS}desc") is not None
    lines = root.findall(f"{NS}polyline")
    assert len(lines) == 2
    assert lines[1].get("stroke-dasharray")
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "adaptive <Bayes>" in texts
    assert "questions" in texts
    # the single-point series is drawn as a dot too; the higher value is drawn higher
    assert root.find(f"{NS}circle") is not None
    first = [tuple(map(float, p.split(","))) for p in lines[0].get("points", "").split()]
    assert first[1][1] < first[0][1]


def test_ticks_are_round_and_cover_the_range() -> None:
    from learnloop.reports.line_chart import _ticks

    assert _ticks(0.0, 12.0) == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
    assert _ticks(0.5, 1.0) == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert _ticks(0.0, 1230.0) == [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0]
