"""Scores of probabilistic predictions of right/wrong answers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Scores", "auc", "calibration_bins", "rmse_bins", "score"]

FloatArray = npt.NDArray[np.float64]
_CLIP = 1e-7


def auc(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Area under the ROC curve by the rank-sum formula (ties get average ranks)."""
    y_a = np.asarray(y)
    p_a = np.asarray(p, dtype=np.float64)
    order = np.argsort(p_a, kind="mergesort")
    sorted_p = p_a[order]
    _, first, counts = np.unique(sorted_p, return_index=True, return_counts=True)
    ranks = np.empty(len(p_a))
    ranks[order] = np.repeat(first + (counts - 1) / 2.0 + 1.0, counts)
    n_pos = int(y_a.sum())
    n_neg = len(y_a) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both right and wrong answers")
    return float((ranks[y_a == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


@dataclass(frozen=True, slots=True)
class Scores:
    auc: float
    accuracy: float
    rmse: float
    log_loss: float
    n: int


def score(y: npt.ArrayLike, p: npt.ArrayLike) -> Scores:
    y_a = np.asarray(y, dtype=np.float64)
    p_a = np.clip(np.asarray(p, dtype=np.float64), _CLIP, 1 - _CLIP)
    return Scores(
        auc=auc(y_a, p_a),
        accuracy=float(((p_a >= 0.5) == (y_a == 1)).mean()),
        rmse=float(np.sqrt(((p_a - y_a) ** 2).mean())),
        log_loss=float(-(y_a * np.log(p_a) + (1 - y_a) * np.log(1 - p_a)).mean()),
        n=len(y_a),
    )


def calibration_bins(
    y: npt.ArrayLike, p: npt.ArrayLike, bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean prediction, observed rate, count) for each non-empty bin of equal width."""
    y_a = np.asarray(y, dtype=np.float64)
    p_a = np.asarray(p, dtype=np.float64)
    which = np.minimum((p_a * bins).astype(np.int64), bins - 1)
    counts = np.bincount(which, minlength=bins)
    mean_p = np.bincount(which, weights=p_a, minlength=bins)
    rate = np.bincount(which, weights=y_a, minlength=bins)
    return [
        (mean_p[b] / counts[b], rate[b] / counts[b], int(counts[b]))
        for b in range(bins)
        if counts[b]
    ]


def rmse_bins(y: npt.ArrayLike, p: npt.ArrayLike, bins: npt.ArrayLike) -> float:
    """RMSE between mean prediction and observed rate over groups of predictions, weighted by
    group size (the FSRS benchmarks' "RMSE (bins)"): calibration within comparable situations,
    so a model cannot score well by being right on average only. ``bins`` gives each
    prediction's group as an integer."""
    y_a = np.asarray(y, dtype=np.float64)
    p_a = np.asarray(p, dtype=np.float64)
    _, group = np.unique(np.asarray(bins), return_inverse=True)
    counts = np.bincount(group).astype(np.float64)
    mean_p = np.bincount(group, weights=p_a) / counts
    mean_y = np.bincount(group, weights=y_a) / counts
    return float(np.sqrt((counts * (mean_p - mean_y) ** 2).sum() / counts.sum()))
