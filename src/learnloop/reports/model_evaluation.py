"""Evaluating learner models on response logs: one prediction per interaction, scored.

Each model is fitted on the training log and predicts every test row one step ahead (from the
learner's earlier test rows only). A multi-KC item is one row and one prediction: models that work
per KC combine the KCs inside the prediction, so no answer is ever scored twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass

import numpy as np

from learnloop.engine import ResponseLog
from learnloop.engine.metrics import calibration_bins, score
from learnloop.engine.models import fit_model, make_model

__all__ = ["ModelResult", "evaluate_models", "results_json", "summarize"]


@dataclass(frozen=True)
class ModelResult:
    model: str
    auc: float
    accuracy: float
    rmse: float
    log_loss: float
    fit_seconds: float
    predict_seconds: float
    n_train: int
    n_test: int
    calibration: list[tuple[float, float, int]]
    fold: int | None = None


def evaluate_models(
    folds: Sequence[tuple[ResponseLog, ResponseLog]],
    models: Sequence[str],
    *,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
    parts: int = 0,
) -> list[ModelResult]:
    """Fit and score each model on each fold. ``executor`` and ``parts``: fit BKT's skills in
    that many groups side by side on the executor (the other models fit in this process)."""
    results = []
    for f, (train, test) in enumerate(folds):
        for name in models:
            if progress:
                progress(f"{name}" + (f" (fold {f + 1}/{len(folds)})" if len(folds) > 1 else ""))
            model = make_model(name)
            start = time.perf_counter()
            fit_model(model, train, executor=executor, parts=parts)
            fit_seconds = time.perf_counter() - start
            start = time.perf_counter()
            predicted = model.predict_proba(test)
            predict_seconds = time.perf_counter() - start
            s = score(test.correct, predicted)
            results.append(
                ModelResult(
                    name,
                    s.auc,
                    s.accuracy,
                    s.rmse,
                    s.log_loss,
                    fit_seconds,
                    predict_seconds,
                    len(train),
                    len(test),
                    calibration_bins(test.correct, predicted),
                    f if len(folds) > 1 else None,
                )
            )
    return results


def summarize(results: Sequence[ModelResult]) -> list[dict[str, float | str | int]]:
    """One row per model: means over folds, with the AUC's standard deviation when there are folds."""
    out: list[dict[str, float | str | int]] = []
    for name in dict.fromkeys(r.model for r in results):
        rows = [r for r in results if r.model == name]
        row: dict[str, float | str | int] = {"model": name}
        for key in ("auc", "accuracy", "rmse", "log_loss", "fit_seconds", "predict_seconds"):
            row[key] = float(np.mean([getattr(r, key) for r in rows]))
        if len(rows) > 1:
            row["auc_std"] = float(np.std([r.auc for r in rows]))
            row["folds"] = len(rows)
        row["n_test"] = sum(r.n_test for r in rows)
        out.append(row)
    return out


def results_json(dataset: str, split: str, results: Sequence[ModelResult]) -> dict[str, object]:
    return {
        "dataset": dataset,
        "split": split,
        "results": summarize(results),
        "runs": [asdict(r) for r in results],
    }
