"""Every learner model by name, built with its default hyperparameters."""

from __future__ import annotations

from collections.abc import Callable

from learnloop.engine.bkt import BayesianKnowledgeTracing
from learnloop.engine.irt import ItemResponseTheory
from learnloop.engine.learner_model import LearnerModel
from learnloop.engine.logistic_kt import LogisticKnowledgeTracing

__all__ = ["MODELS", "make_model"]

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
