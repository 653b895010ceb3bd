from __future__ import annotations

import math

import numpy as np
import pytest

from learnloop.engine.metrics import auc, calibration_bins, rmse_bins, score


def test_auc_counts_ordered_pairs_and_halves_ties() -> None:
    assert auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert auc([1, 0, 1], [0.9, 0.1, 0.8]) == 1.0
    with pytest.raises(ValueError, match="both"):
        auc([1, 1], [0.2, 0.3])


def test_score_gives_accuracy_rmse_and_log_loss() -> None:
    s = score([1, 0], [0.8, 0.4])
    assert s.accuracy == 1.0
    assert s.rmse == pytest.approx(math.sqrt((0.2**2 + 0.4**2) / 2))
    assert s.log_loss == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)


def test_calibration_bins_compare_predictions_with_outcomes() -> None:
    bins = calibration_bins(np.array([1, 0, 1, 1]), np.array([0.05, 0.05, 0.95, 0.95]), bins=10)
    assert bins == [(pytest.approx(0.05), 0.5, 2), (pytest.approx(0.95), 1.0, 2)]


def test_rmse_bins_compares_group_means_weighted_by_size() -> None:
    y = [1, 0, 1, 1, 1, 0]
    p = [0.5, 0.5, 0.9, 0.9, 0.9, 0.9]
    bins = [0, 0, 1, 1, 1, 1]
    # group 0: mean p 0.5 vs rate 0.5; group 1: mean p 0.9 vs rate 0.75 (weight 4 of 6)
    assert rmse_bins(y, p, bins) == pytest.approx(np.sqrt(4 / 6 * 0.15**2))
    # one group per prediction: the plain RMSE
    assert rmse_bins(y, p, range(6)) == pytest.approx(np.sqrt(np.mean((np.array(p) - y) ** 2)))
