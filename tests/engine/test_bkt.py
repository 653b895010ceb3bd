"""BKT: the update equations, parameter recovery from simulated data, batch = online."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from learnloop.engine import BayesianKnowledgeTracing, BKTParams, ResponseLog
from learnloop.engine.simulation import simulate_bkt_log
from learnloop.exceptions import NotFittedError


def test_bkt_update_matches_bayes_rule_by_hand() -> None:
    p = BKTParams(prior=0.2, learn=0.2, guess=0.2, slip=0.1)
    # correct: posterior = .2*.9 / (.2*.9 + .8*.2) = .18/.34; then learning: post + (1-post)*.2
    post = 0.18 / 0.34
    assert p.update(0.2, True) == pytest.approx(post + (1 - post) * 0.2)
    # wrong: posterior = .2*.1 / (.2*.1 + .8*.8) = .02/.66
    post = 0.02 / 0.66
    assert p.update(0.2, False) == pytest.approx(post + (1 - post) * 0.2)
    assert p.predict(0.5) == pytest.approx(0.5 * 0.9 + 0.5 * 0.2)


def test_bkt_three_correct_answers_reach_mastery_with_default_parameters() -> None:
    p = BKTParams(prior=0.2, learn=0.2, guess=0.2, slip=0.1)
    state = p.prior
    for _ in range(3):
        state = p.update(state, True)
    assert state > 0.95
    assert p.update(p.update(p.prior, True), True) < 0.95


def test_bkt_forgetting_lowers_the_state_between_opportunities() -> None:
    keep = BKTParams(prior=0.9, learn=0.0, guess=0.2, slip=0.1, forget=0.0)
    forget = BKTParams(prior=0.9, learn=0.0, guess=0.2, slip=0.1, forget=0.3)
    assert forget.update(0.9, True) < keep.update(0.9, True)


@pytest.mark.parametrize("bad", [{"prior": 1.5}, {"learn": -0.1}, {"guess": 0.6, "slip": 0.5}])
def test_bkt_params_reject_impossible_values(bad: dict[str, float]) -> None:
    values = {"prior": 0.2, "learn": 0.2, "guess": 0.2, "slip": 0.1, **bad}
    with pytest.raises(ValueError, match="BKT"):
        BKTParams(**values)


def test_bkt_recovers_generating_parameters(rng: np.random.Generator) -> None:
    truth = [
        BKTParams(prior=0.2, learn=0.1, guess=0.2, slip=0.1),
        BKTParams(prior=0.5, learn=0.25, guess=0.15, slip=0.05),
        BKTParams(prior=0.35, learn=0.15, guess=0.25, slip=0.12),
    ]
    log = simulate_bkt_log(truth, n_learners=1500, length=(5, 20), rng=rng)
    model = BayesianKnowledgeTracing(n_restarts=3).fit(log)
    fitted = np.column_stack([model.prior_, model.learn_, model.guess_, model.slip_])
    expected = np.array([[t.prior, t.learn, t.guess, t.slip] for t in truth])
    # Tolerances: 1,500 learners give standard errors around 0.01-0.02 on each parameter.
    assert np.abs(fitted - expected).max() < 0.06, np.round(fitted, 3)


def test_bkt_predicts_before_seeing_each_answer(rng: np.random.Generator) -> None:
    """Changing an answer changes later predictions for that learner, never its own."""
    log = simulate_bkt_log([BKTParams(0.3, 0.2, 0.2, 0.1)], n_learners=50, length=(6, 6), rng=rng)
    model = BayesianKnowledgeTracing().fit(log)
    base = model.predict_proba(log)
    flipped = log.correct.copy()
    flipped[2] = 1 - flipped[2]
    other = model.predict_proba(ResponseLog(log.learner, log.skill, log.item, flipped))
    assert other[2] == base[2]
    assert other[3] != base[3]  # same learner, next row
    assert np.array_equal(other[6:], base[6:])  # other learners untouched


def test_bkt_unseen_skill_gets_median_parameters(rng: np.random.Generator) -> None:
    log = simulate_bkt_log(
        [BKTParams(0.2, 0.1, 0.2, 0.1), BKTParams(0.6, 0.3, 0.2, 0.1)],
        n_learners=200,
        length=(5, 8),
        rng=rng,
    )
    model = BayesianKnowledgeTracing().fit(log)
    unseen = model.params_for(99)
    assert unseen.prior == pytest.approx(float(np.median(model.prior_)))


def test_bkt_needs_fit_before_predicting() -> None:
    with pytest.raises(NotFittedError):
        BayesianKnowledgeTracing().initial_state()
    with pytest.raises(NotFittedError):
        BayesianKnowledgeTracing().params_for(0)


def test_response_log_rejects_mismatched_columns() -> None:
    with pytest.raises(ValueError, match="rows"):
        ResponseLog.from_columns([0, 0], [1], [1, 0])
    with pytest.raises(ValueError, match="0 and 1"):
        ResponseLog.from_columns([0], [1], [2])


def _four_skills(rng: np.random.Generator) -> ResponseLog:
    truth = [
        BKTParams(0.2, 0.1, 0.2, 0.1),
        BKTParams(0.5, 0.25, 0.15, 0.05),
        BKTParams(0.35, 0.15, 0.25, 0.12),
        BKTParams(0.1, 0.3, 0.3, 0.2),
    ]
    return simulate_bkt_log(truth, n_learners=300, length=(3, 25), rng=rng)


LEARNED = ("skills_", "prior_", "learn_", "guess_", "slip_", "forget_", "n_iter_",
           "skill_log_likelihood_")  # fmt: skip


def test_bkt_fits_each_skill_as_if_it_were_alone(rng: np.random.Generator) -> None:
    """No skill's numbers touch another's: the basis of fitting groups of skills apart."""
    log = _four_skills(rng)
    together = BayesianKnowledgeTracing(forgetting=True).fit(log)
    for skill in range(4):
        alone = BayesianKnowledgeTracing(forgetting=True).fit(log.take(log.skill == skill))
        for name in LEARNED:
            assert np.array_equal(getattr(alone, name), getattr(together, name)[[skill]]), name


def test_bkt_fitted_in_groups_on_other_processes_equals_one_fit(
    rng: np.random.Generator,
) -> None:
    log = _four_skills(rng)
    one = BayesianKnowledgeTracing().fit(log)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        split = BayesianKnowledgeTracing().fit(log, executor=pool, parts=3)
    for name in LEARNED:
        assert np.array_equal(getattr(split, name), getattr(one, name)), name
    assert split.log_likelihood_ == one.log_likelihood_
    assert np.array_equal(split.predict_proba(log), one.predict_proba(log))
    with pytest.raises(ValueError, match="groups"):
        BayesianKnowledgeTracing().fit(log, executor=ThreadPoolExecutor(1))
