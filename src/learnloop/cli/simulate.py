"""``learnloop simulate``: a synthetic class on a course under three policies, compared."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from learnloop.cli.issues import fail_with
from learnloop.content import load_course
from learnloop.exceptions import ContentError
from learnloop.reports.class_simulation import POLICIES, PolicyResult, simulate_class
from learnloop.reports.line_chart import Series, line_chart_svg

console = Console()


def _number(x: float) -> float | None:
    return None if math.isnan(x) else x


def simulation_json(results: dict[str, PolicyResult], **run: object) -> dict[str, object]:
    fixed = results.get("fixed")
    out: dict[str, object] = {"run": run, "policies": {}}
    for name, r in results.items():
        entry: dict[str, object] = {
            "practice_to_mastery": _number(r.practice_to_mastery),
            "retention_30d": _number(r.retention_30d),
            "reached_mastery": r.reached,
            "truly_mastered": r.truly_mastered,
            "questions_answered": r.questions_answered,
            "retention_samples": r.retention_samples,
        }
        if fixed is not None and fixed.practice_to_mastery > 0:
            entry["practice_vs_fixed"] = _number(r.practice_to_mastery / fixed.practice_to_mastery)
        out["policies"][name] = entry  # type: ignore[index]
    return out


def simulate(
    course: Annotated[Path, typer.Option(help="a course folder (with course.yaml)")],
    learners: Annotated[int, typer.Option(min=1, help="synthetic learners per policy")] = 100,
    days: Annotated[int, typer.Option(min=31, help="days simulated (one session a day)")] = 90,
    seed: Annotated[int, typer.Option(help="seed of every random draw")] = 0,
    per_day: Annotated[int, typer.Option(min=1, help="questions per daily session")] = 20,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="write the results as JSON")
    ] = None,
    chart: Annotated[Path | None, typer.Option(help="write a chart (SVG)")] = None,
    pilot_learners: Annotated[
        int, typer.Option(min=5, help="learners in each pilot cohort the models are fitted on")
    ] = 100,
) -> None:
    """Compare a fixed sequence, random choice and learnloop's policy on synthetic learners."""
    try:
        loaded = load_course(course)
    except ContentError as exc:
        fail_with(console, exc)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("fitting the course's models on a pilot cohort", total=4)

        def step(done: str) -> None:
            progress.advance(task)
            progress.update(task, description=f"done: {done}")

        results = simulate_class(
            loaded,
            learners=learners,
            days=days,
            seed=seed,
            per_day=per_day,
            progress=step,
            pilot_learners=pilot_learners,
        )
    table = Table(title=f"{loaded.title}: {learners} learners per policy, {days} days, seed {seed}")
    for column in (
        "policy",
        "practice to mastery",
        "vs fixed",
        "retention 30 d",
        "reached",
        "truly mastered",
        "answered",
    ):
        table.add_column(column, justify="left" if column == "policy" else "right")
    fixed = results["fixed"].practice_to_mastery
    for name, r in results.items():
        table.add_row(
            name, f"{r.practice_to_mastery:.1f}", f"{r.practice_to_mastery / fixed:.2f}",
            f"{r.retention_30d:.3f}", f"{r.reached:.0%}", f"{r.truly_mastered:.0%}",
            f"{r.questions_answered:.0f}",
        )  # fmt: skip
    console.print(table)
    if json_out:
        data = simulation_json(
            results, course=str(course), learners=learners, days=days, seed=seed, per_day=per_day
        )
        json_out.write_text(json.dumps(data, indent=2))
        console.print(f"results written to {json_out}")
    if chart:
        chart.write_text(
            line_chart_svg(
                [Series(name, r.mastered_curve) for name, r in results.items()],
                title=f"Objectives mastered: {loaded.title}",
                description=(
                    "Mean number of objectives the platform counts as mastered against questions "
                    f"answered, for each policy ({', '.join(POLICIES)}), {learners} synthetic "
                    "learners each."
                ),
                x_label="questions answered",
                y_label="objectives mastered",
                y_range=(0.0, float(len(loaded.objectives))),
            )
        )
        console.print(f"chart written to {chart}")
