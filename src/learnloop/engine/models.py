"""Every learner model by name, built with its default hyperparameters."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import TypeVar

from learnloop.engine.bkt import BayesianKnowledgeTracing
from learnloop.engine.irt import ItemResponseTheory
from learnloop.engine.learner_model import LearnerModel
from learnloop.engine.logistic_kt import LogisticKnowledgeTracing
from learnloop.engine.response_log import ResponseLog

__all__ = ["MODELS", "fit_model", "make_model"]

_Model = TypeVar("_Model", bound=LearnerModel)

MODELS: dict[str, Callable[[], LearnerModel]] = {
    "bkt": lambda: BayesianKnowledgeTracing(),
    "bkt-forgetting": lambda: BayesianKnowledgeTracing(forgetting=True),
    "irt-rasch": lambda: ItemResponseTheory(model="rasch"),
    "irt-2pl": lambda: ItemResponseTheory(model="2pl"),
    "pfa": lambda: LogisticKnowledgeTracing(features="pfa"),
    "best-lr": lambda: LogisticKnowledgeTracing(features="best-lr"),
    "best-lr+recency": lambda: LogisticKnowledgeTracing(features="best-lr+recency"),
    "best-lr+patterns": lambda: LogisticKnowledgeTracing(features="best-lr+patterns"),
}


def make_model(name: str) -> LearnerModel:
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    return MODELS[name]()


def fit_model(
    model: _Model, log: ResponseLog, *, executor: Executor | None = None, parts: int = 0
) -> _Model:
    """Fit ``model`` on ``log``; BKT splits its skills into ``parts`` groups on ``executor`` when
    one is given (the same parameters, sooner). The other models share their parameters across
    skills and fit here."""
    if executor is not None and isinstance(model, BayesianKnowledgeTracing):
        model.fit(log, executor=executor, parts=parts)
    else:
        model.fit(log)
    return model
