"""The placement diagnostic in simulation (engine/placement.py): the demo course's graph and two
generated course-sized graphs, learners whose true states respect the graph (drawn by a learning
process, not from the diagnostic's prior), answers with guess 0.2 and slip 0.1. The diagnostic
stops at 95% confidence on every objective or at 40% of the objectives; the fixed test asks every
objective once and counts it known when answered right. Writes docs/benchmarks/placement.svg and
prints JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import track

from learnloop.content.course_loader import load_course
from learnloop.engine.placement import simulate_placement
from learnloop.engine.skill_graph import SkillGraph
from learnloop.reports.line_chart import Series, line_chart_svg

ROOT = Path(__file__).parents[1]
GUESS, SLIP = 0.2, 0.1


def layered(n: int, width: int, rng: np.random.Generator) -> SkillGraph:
    keys = [f"o{i}" for i in range(n)]
    pre: dict[str, list[str]] = {}
    for i, k in enumerate(keys):
        layer = i // width
        below = keys[(layer - 1) * width : layer * width]
        size = int(rng.integers(1, 3))
        pre[k] = [] if layer == 0 else [str(x) for x in rng.choice(below, size=size, replace=False)]
    return SkillGraph(pre)


def main(chart: Path) -> dict[str, object]:
    rng = np.random.default_rng(2026)
    graphs = {
        "demo course (fractions, 12 objectives)": load_course(
            ROOT / "src/learnloop/demo/fractions"
        ).graph,
        "generated, 30 objectives in layers of 3": layered(30, 3, rng),
        "generated, 40 objectives in layers of 4": layered(40, 4, rng),
    }
    out: dict[str, object] = {}
    series: list[Series] = []
    for name, graph in track(
        list(graphs.items()), console=Console(stderr=True), description="simulating"
    ):
        learners = 300 if len(graph.keys) <= 30 else 100
        start = time.perf_counter()
        sim = simulate_placement(
            graph,
            guess=dict.fromkeys(graph.keys, GUESS),
            slip=dict.fromkeys(graph.keys, SLIP),
            learners=learners,
            rng=rng,
        )
        seconds = time.perf_counter() - start
        n = sim.objectives
        out[name] = {
            "objectives": n,
            "knowledge_states": sim.states,
            "learners": learners,
            "accuracy": sim.accuracy,
            "mean_questions": sim.mean_questions,
            "question_share": sim.mean_questions / n,
            "fixed_test_accuracy": sim.fixed_accuracy,
            "fixed_test_questions": n,
            "adaptive_curve": sim.adaptive_curve,
            "fixed_order_curve": sim.fixed_order_curve,
            "seconds": seconds,
        }
        share = [(100 * q / n, a) for q, a in enumerate(sim.adaptive_curve)]
        series.append(Series(f"{n} objectives: adaptive", share))
        series.append(
            Series(
                f"{n} objectives: course order",
                [(100 * q / n, a) for q, a in enumerate(sim.fixed_order_curve)],
                dashed=True,
            )
        )
    chart.write_text(
        line_chart_svg(
            series,
            title="Placement: objectives classified right",
            description=(
                "Share of objective states classified right against the questions asked, as a "
                "percentage of the objectives, for the adaptive diagnostic and for the same "
                "inference asking in the course's order; guess 0.2, slip 0.1."
            ),
            x_label="questions asked, % of objectives",
            y_label="objectives classified right",
            y_range=(0.5, 1.0),
        )
    )
    return out


if __name__ == "__main__":
    print(
        json.dumps(
            main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/benchmarks/placement.svg")
        )
    )
