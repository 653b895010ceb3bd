"""One conformance battery over every learner model (scikit-learn's check_estimator habit)."""

from __future__ import annotations

import pytest

from learnloop.engine import BayesianKnowledgeTracing
from learnloop.engine.learner_model import LearnerModel
from learnloop.engine.testing import check_learner_model

MODELS = [
    pytest.param(BayesianKnowledgeTracing(), id="bkt"),
    pytest.param(BayesianKnowledgeTracing(forgetting=True, n_restarts=2), id="bkt-forgetting"),
]


@pytest.mark.parametrize("model", MODELS)
def test_learner_model_conforms(model: LearnerModel) -> None:
    check_learner_model(model)


class _Broken:
    """A model that breaks rule 3: fit does not return self."""

    def __init__(self, *, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, log):  # type: ignore[no-untyped-def]
        self.rate_ = 0.5
        return

    def predict_proba(self, log):  # type: ignore[no-untyped-def]
        from learnloop.exceptions import NotFittedError

        if not hasattr(self, "rate_"):
            raise NotFittedError("no")
        raise AssertionError("unreachable")


def test_battery_catches_a_model_that_breaks_the_contract() -> None:
    with pytest.raises(AssertionError, match="must return self"):
        check_learner_model(_Broken())  # type: ignore[arg-type]
