"""The conformance battery every learner model must pass (after scikit-learn's estimator checks).

``check_learner_model(model)`` raises AssertionError naming the first rule broken:

1. ``__init__`` takes keyword-only hyperparameters and stores each unchanged, and nothing else;
2. predicting before ``fit`` raises NotFittedError;
3. ``fit`` returns self, leaves its input untouched, and sets learned attributes ending in ``_``;
4. predictions are finite probabilities, one per row;
5. two models with the same hyperparameters fitted on the same log predict the same;
6. the online interface (initial_state, update, predict) reproduces ``predict_proba`` row by row;
7. on responses drawn from a learning process, predictions beat chance (AUC above 0.6).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from learnloop.engine.bkt import BKTParams
from learnloop.engine.learner_model import LearnerModel
from learnloop.engine.metrics import auc
from learnloop.engine.response_log import ResponseLog
from learnloop.engine.simulation import simulate_bkt_log
from learnloop.exceptions import NotFittedError

__all__ = ["check_learner_model"]


def _battery_log(seed: int) -> ResponseLog:
    params = [
        BKTParams(prior=0.2, learn=0.15, guess=0.2, slip=0.1),
        BKTParams(prior=0.4, learn=0.1, guess=0.25, slip=0.08),
        BKTParams(prior=0.1, learn=0.25, guess=0.15, slip=0.12),
    ]
    return simulate_bkt_log(
        params, n_learners=150, length=(4, 12), items_per_skill=4, rng=np.random.default_rng(seed)
    )


def _hyperparameters(model: object) -> dict[str, Any]:
    sig = inspect.signature(type(model).__init__)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    for p in params:
        assert p.kind is inspect.Parameter.KEYWORD_ONLY, (
            f"{type(model).__name__}.__init__ parameter {p.name!r} must be keyword-only"
        )
    return {p.name: getattr(model, p.name) for p in params}


def check_learner_model(model: LearnerModel, *, seed: int = 0) -> None:
    name = type(model).__name__
    hyper = _hyperparameters(model)
    public = {k for k in vars(model) if not k.startswith("_")}
    assert public == set(hyper), (
        f"{name}.__init__ must store exactly its hyperparameters, got {public}"
    )
    assert not [k for k in vars(model) if k.endswith("_")], f"{name} has learned state before fit"

    log = _battery_log(seed)
    try:
        model.predict_proba(log)
    except NotFittedError:
        pass
    else:
        raise AssertionError(f"{name}.predict_proba before fit must raise NotFittedError")

    before = [a.copy() for a in (log.learner, log.skill, log.item, log.correct)]
    fitted = model.fit(log)
    assert fitted is model, f"{name}.fit must return self"
    for a, b in zip(before, (log.learner, log.skill, log.item, log.correct), strict=True):
        assert np.array_equal(a, b), f"{name}.fit modified its input"
    learned = [k for k in vars(model) if k.endswith("_") and not k.startswith("_")]
    assert learned, f"{name}.fit set no learned attribute ending in '_'"
    for key, value in hyper.items():
        assert getattr(model, key) == value, f"{name}.fit changed hyperparameter {key!r}"

    proba = model.predict_proba(log)
    assert proba.shape == (len(log),), f"{name}.predict_proba gave shape {proba.shape}"
    assert np.isfinite(proba).all(), f"{name}.predict_proba gave values that are not finite"
    assert ((proba >= 0) & (proba <= 1)).all(), f"{name}.predict_proba gave values outside [0, 1]"

    twin = type(model)(**hyper).fit(log)
    assert np.allclose(twin.predict_proba(log), proba), f"{name} is not deterministic"

    states: dict[int, Any] = {}
    online = np.empty(len(log))
    for i, (learner, item, skill, correct) in enumerate(
        zip(log.learner, log.item, log.skill, log.correct, strict=True)
    ):
        who = int(learner)
        state = states[who] if who in states else model.initial_state()
        online[i] = model.predict(state, int(item), int(skill))
        states[who] = model.update(state, int(item), int(skill), bool(correct))
    assert np.allclose(online, proba, atol=1e-9), (
        f"{name}: online updates disagree with predict_proba"
    )

    score = auc(log.correct, proba)
    assert score > 0.6, f"{name} predicts no better than chance (AUC {score:.3f})"
