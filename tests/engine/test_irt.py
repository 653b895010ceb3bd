"""IRT: item parameters and abilities recovered from responses drawn from a known 2PL model."""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.engine.irt import ItemResponseTheory
from learnloop.engine.simulation import simulate_irt_log


def test_2pl_recovers_item_parameters(rng: np.random.Generator) -> None:
    b = np.linspace(-1.5, 1.5, 20)
    a = np.tile([0.7, 1.0, 1.5, 2.0], 5)
    log, _ = simulate_irt_log(b, a, n_learners=2000, answers_per_learner=20, rng=rng)
    model = ItemResponseTheory(model="2pl").fit(log)
    # 2,000 answers per item: standard errors about 0.07 on b and 0.1 on a
    assert np.abs(model.difficulty_ - b).max() < 0.3
    assert np.abs(model.discrimination_ - a).max() < 0.45
    assert np.corrcoef(model.discrimination_, a)[0, 1] > 0.9


def test_rasch_shares_one_discrimination(rng: np.random.Generator) -> None:
    b = np.linspace(-1, 1, 10)
    log, _ = simulate_irt_log(b, np.full(10, 1.3), n_learners=1500, answers_per_learner=10, rng=rng)
    model = ItemResponseTheory(model="rasch").fit(log)
    assert np.ptp(model.discrimination_) == 0.0
    assert model.discrimination_[0] == pytest.approx(1.3, abs=0.15)
    assert np.abs(model.difficulty_ - b).max() < 0.25


def test_eap_ability_tracks_the_true_ability(rng: np.random.Generator) -> None:
    b = np.linspace(-2, 2, 30)
    log, theta = simulate_irt_log(b, np.ones(30), n_learners=400, answers_per_learner=30, rng=rng)
    model = ItemResponseTheory(model="2pl").fit(log)
    estimates = []
    for learner in range(400):
        state = model.initial_state()
        rows = np.flatnonzero(log.learner == learner)
        for r in rows:
            state = model.update(state, int(log.item[r]), int(log.skill[r]), bool(log.correct[r]))
        estimates.append(model.ability(state)[0])
    assert np.corrcoef(estimates, theta)[0, 1] > 0.85
    mean, sd = model.ability(model.initial_state())
    assert mean == pytest.approx(0.0, abs=1e-6)
    assert sd == pytest.approx(1.0, abs=0.02)
