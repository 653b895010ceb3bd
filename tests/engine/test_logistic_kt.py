"""The logistic family: the history features, and weights recovered from a known PFA model."""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.engine import ResponseLog
from learnloop.engine.logistic_kt import LogisticKnowledgeTracing, _exclusive_history


def test_exclusive_history_counts_only_earlier_answers_of_the_same_group() -> None:
    learner = np.array([0, 0, 1, 0, 1])
    correct = np.array([1, 0, 1, 1, 0])
    order, wins, fails, lags = _exclusive_history((learner,), np.arange(5), correct)
    assert order.tolist() == [0, 1, 3, 2, 4]
    assert wins.tolist() == [0, 1, 1, 0, 1]
    assert fails.tolist() == [0, 0, 1, 0, 0]
    assert lags[0].tolist() == [0, 1, -1, 0, 1]
    assert lags[1].tolist() == [0, 0, 1, 0, 0]


def test_pfa_recovers_generating_weights(rng: np.random.Generator) -> None:
    beta, gamma, rho = np.array([-1.0, 0.5]), np.array([0.4, 0.2]), np.array([-0.1, 0.15])
    learner, skill, correct = [], [], []
    for who in range(1500):
        wins, fails = np.zeros(2), np.zeros(2)
        for k in rng.integers(0, 2, size=15):
            p = 1 / (1 + np.exp(-(beta[k] + gamma[k] * wins[k] + rho[k] * fails[k])))
            c = int(rng.random() < p)
            learner.append(who)
            skill.append(int(k))
            correct.append(c)
            wins[k] += c
            fails[k] += 1 - c
    log = ResponseLog.from_columns(learner, skill, correct)
    model = LogisticKnowledgeTracing(features="pfa", alpha=0.01).fit(log)
    lay = model.layout_
    fitted = {
        name: model.coef_[lay[name][0] : lay[name][0] + 2] for name in ("kc", "kc_wins", "kc_fails")
    }
    assert fitted["kc"] == pytest.approx(beta, abs=0.12)
    assert fitted["kc_wins"] == pytest.approx(gamma, abs=0.05)
    assert fitted["kc_fails"] == pytest.approx(rho, abs=0.05)


def test_unknown_feature_set_is_refused() -> None:
    with pytest.raises(ValueError, match="features must be one of"):
        LogisticKnowledgeTracing(features="dkt").fit(ResponseLog.from_columns([0], [0], [1]))
