"""``learnloop evaluate``: learner models on public datasets or your own CSV, scored."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from learnloop.cli.fit_workers import DaskOption, WorkersOption, fit_executor
from learnloop.content.response_logs import learner_folds, read_csv_split, read_dataset
from learnloop.engine import ResponseLog
from learnloop.engine.models import MODELS
from learnloop.exceptions import ContentError
from learnloop.reports.calibration_chart import calibration_svg
from learnloop.reports.model_evaluation import evaluate_models, results_json, summarize

console = Console()


def _folds(
    dataset: str | None, train: Path | None, test: Path | None, split: str, root: Path, seed: int
) -> tuple[str, list[tuple[ResponseLog, ResponseLog]]]:
    if split not in ("published", "cv5"):
        raise typer.BadParameter("use published or cv5", param_hint="--split")
    if train is not None:
        train_log, test_log = read_csv_split(train, test)
        if test_log is not None and split == "published":
            return str(train), [(train_log, test_log)]
        whole = train_log if test_log is None else ResponseLog.concat([train_log, test_log])
        return str(train), learner_folds(whole, 5, seed)
    if dataset is None:
        raise typer.BadParameter("give --dataset, or --train (and --test)", param_hint="--dataset")
    if dataset.endswith(".csv"):
        log, _ = read_csv_split(Path(dataset))
        if split == "published":
            raise typer.BadParameter(
                "a single CSV has no published split: use --split cv5", param_hint="--split"
            )
        return dataset, learner_folds(log, 5, seed)
    data = read_dataset(root, dataset)
    if split == "published":
        return dataset, [(data.train, data.test)]
    return dataset, learner_folds(ResponseLog.concat([data.train, data.test]), 5, seed)


def evaluate(
    dataset: Annotated[
        str | None, typer.Option(help="kt/assistments09, kt/assist2015, or a CSV path")
    ] = None,
    train: Annotated[
        Path | None, typer.Option(help="CSV: user_id,item_id,skill_id,correct[,timestamp]")
    ] = None,
    test: Annotated[
        Path | None, typer.Option(help="CSV of the test learners, with --train")
    ] = None,
    split: Annotated[
        str, typer.Option(help="published (the dataset's own split) or cv5 (5 learner folds)")
    ] = "published",
    models: Annotated[
        str, typer.Option(help=f"comma-separated, or all: {', '.join(MODELS)}")
    ] = "all",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="write the results as JSON")
    ] = None,
    chart: Annotated[Path | None, typer.Option(help="write a calibration chart (SVG)")] = None,
    datasets: Annotated[
        Path | None,
        typer.Option(
            help="where kt/... datasets live [default: $LEARNLOOP_DATASETS or ../shared/datasets]"
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="seed of the cv5 folds")] = 0,
    workers: WorkersOption = 1,
    dask: DaskOption = None,
) -> None:
    """Fit learner models and score one prediction per interaction: AUC, accuracy, RMSE, log loss."""
    names = list(MODELS) if models == "all" else [m.strip() for m in models.split(",") if m.strip()]
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        raise typer.BadParameter(
            f"unknown model(s) {unknown}; known: {', '.join(MODELS)}", param_hint="--models"
        )
    try:
        with console.status("Reading the data"):
            root = datasets or Path(os.environ.get("LEARNLOOP_DATASETS", "../shared/datasets"))
            label, folds = _folds(dataset, train, test, split, root, seed)
    except (ContentError, OSError) as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with (
        fit_executor(workers, dask) as (executor, parts),
        Progress(*columns, console=console) as progress,
    ):
        task = progress.add_task("evaluating", total=len(folds) * len(names))

        def step(message: str) -> None:
            if progress.tasks[task].description != "evaluating":
                progress.advance(task)
            progress.update(task, description=message)

        results = evaluate_models(folds, names, progress=step, executor=executor, parts=parts)
        progress.advance(task)
    table = Table(
        title=f"{label}, split {split}: {sum(len(t) for _, t in folds):,} test interactions"
    )
    for column in ("model", "AUC", "accuracy", "RMSE", "log loss", "fit s", "predict s"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for row in summarize(results):
        auc = f"{row['auc']:.4f}" + (f" ± {row['auc_std']:.4f}" if "auc_std" in row else "")
        table.add_row(
            str(row["model"]), auc, f"{row['accuracy']:.4f}", f"{row['rmse']:.4f}", f"{row['log_loss']:.4f}",
            f"{row['fit_seconds']:.2f}", f"{row['predict_seconds']:.2f}",
        )  # fmt: skip
    console.print(table)
    if json_out:
        json_out.write_text(json.dumps(results_json(label, split, results), indent=2))
        console.print(f"results written to {json_out}")
    if chart:
        chart.write_text(calibration_svg(results, title=f"Calibration on {label}"))
        console.print(f"calibration chart written to {chart}")
