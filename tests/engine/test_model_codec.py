"""Fitted models and learner states survive JSON: the same predictions after a round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from learnloop.engine import BayesianKnowledgeTracing, BKTParams
from learnloop.engine.irt import ItemResponseTheory
from learnloop.engine.logistic_kt import LogisticKnowledgeTracing
from learnloop.engine.model_codec import (
    bkt_from_parameters,
    model_from_json,
    model_to_json,
    state_from_counts,
)
from learnloop.engine.simulation import simulate_bkt_log

PARAMS = [BKTParams(0.2, 0.2, 0.2, 0.1), BKTParams(0.4, 0.1, 0.25, 0.05)]


@pytest.mark.parametrize("kind", ["bkt", "pfa", "best-lr", "best-lr+recency", "best-lr+patterns"])
def test_a_stored_model_predicts_what_the_fitted_one_did(
    kind: str, rng: np.random.Generator
) -> None:
    log = simulate_bkt_log(PARAMS, n_learners=60, length=(4, 10), rng=rng)
    model = (
        BayesianKnowledgeTracing(n_restarts=1)
        if kind == "bkt"
        else LogisticKnowledgeTracing(features=kind)
    ).fit(log)
    stored = model_from_json(json.loads(json.dumps(model_to_json(model))))
    np.testing.assert_allclose(stored.predict_proba(log), model.predict_proba(log), rtol=1e-12)
    state_a, state_b = model.initial_state(), stored.initial_state()
    for item, skill, correct in [(0, 0, True), (1, 1, False), (0, 0, True)]:
        assert stored.predict(state_b, item, skill) == pytest.approx(
            model.predict(state_a, item, skill)
        )
        state_a = model.update(state_a, item, skill, correct)
        state_b = stored.update(state_b, item, skill, correct)


def test_bkt_from_parameters_is_the_authors_bkt() -> None:
    model = bkt_from_parameters(PARAMS)
    state = model.initial_state()
    assert model.predict(state, 0, 1) == pytest.approx(PARAMS[1].predict(0.4))
    state = model.update(state, 0, 1, True)
    assert state[1] == pytest.approx(PARAMS[1].update(0.4, True))


def test_states_come_from_per_skill_counts(rng: np.random.Generator) -> None:
    log = simulate_bkt_log(PARAMS, n_learners=60, length=(4, 10), rng=rng)
    pfa = LogisticKnowledgeTracing(features="best-lr").fit(log)
    replayed = pfa.initial_state()
    for skill, correct in [(0, True), (0, False), (1, True), (0, True)]:
        replayed = pfa.update(replayed, skill, skill, correct)
    counted = state_from_counts(pfa, {0: (0.0, 3, 2), 1: (0.0, 1, 1)})
    for skill in (0, 1):
        assert pfa.predict(counted, skill, skill) == pytest.approx(
            pfa.predict(replayed, skill, skill)
        )
    assert state_from_counts(bkt_from_parameters(PARAMS), {1: (0.7, 2, 2)}) == {1: 0.7}


def test_a_state_with_last_outcomes_is_the_replayed_one(rng: np.random.Generator) -> None:
    log = simulate_bkt_log(PARAMS, n_learners=60, length=(4, 10), rng=rng)
    model = LogisticKnowledgeTracing(features="best-lr+patterns").fit(log)
    answers = [(0, True), (0, False), (1, True), (0, True), (1, False), (0, False)]
    replayed = model.initial_state()
    for skill, correct in answers:
        replayed = model.update(replayed, skill, skill, correct)
    counted = state_from_counts(
        model,
        {0: (0.0, 4, 2), 1: (0.0, 2, 1)},
        {0: [-1, 1, -1, 1], 1: [-1, 1]},  # per skill, the last one first
        [-1, -1, 1, 1],
    )
    for skill in (0, 1):
        assert model.predict(counted, skill, skill) == pytest.approx(
            model.predict(replayed, skill, skill)
        )


def test_what_cannot_be_stored_says_so(rng: np.random.Generator) -> None:
    log = simulate_bkt_log(PARAMS, n_learners=20, length=(4, 6), rng=rng)
    with pytest.raises(ValueError, match="cannot store a ItemResponseTheory"):
        model_to_json(ItemResponseTheory().fit(log))
    with pytest.raises(ValueError, match="unknown stored model kind 'irt'"):
        model_from_json({"kind": "irt"})
