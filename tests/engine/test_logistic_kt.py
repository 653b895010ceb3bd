"""The logistic family: the history features, and weights recovered from a known PFA model."""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.engine import ResponseLog
from learnloop.engine.logistic_kt import (
    LearnerHistory,
    LogisticKnowledgeTracing,
    _exclusive_history,
)


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


def test_pattern_weights_learn_what_the_sum_of_recent_outcomes_cannot(
    rng: np.random.Generator,
) -> None:
    """Learners who follow three right answers with a fourth (a run ending on a streak) and are
    otherwise at chance: the pattern "right x3" matters, the linear recency terms see only a sum
    that other patterns share. best-lr+patterns finds it on held-out learners; recency does not."""

    def simulate(learners: range) -> ResponseLog:
        learner, skill, correct = [], [], []
        for who in learners:
            last: list[int] = []
            for _ in range(30):
                streak = len(last) >= 3 and last[-3:] == [1, 1, 1]
                c = int(rng.random() < (0.95 if streak else 0.5))
                learner.append(who)
                skill.append(0)
                correct.append(c)
                last.append(c)
        return ResponseLog.from_columns(learner, skill, correct)

    train, test = simulate(range(400)), simulate(range(400, 600))
    scores = {}
    for features in ("best-lr+recency", "best-lr+patterns"):
        p = LogisticKnowledgeTracing(features=features).fit(train).predict_proba(test)
        y = test.correct
        scores[features] = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert scores["best-lr+patterns"] < scores["best-lr+recency"] - 0.02
    model = LogisticKnowledgeTracing(features="best-lr+patterns").fit(train)
    after_streak = model.predict(_history(model, [1, 1, 1]), 0, 0)
    after_mixed = model.predict(_history(model, [0, 1, 1]), 0, 0)
    assert after_streak > 0.85
    assert after_mixed < 0.65


def _history(model: LogisticKnowledgeTracing, outcomes: list[int]) -> LearnerHistory:
    state = model.initial_state()
    for c in outcomes:
        state = model.update(state, 0, 0, bool(c))
    return state
