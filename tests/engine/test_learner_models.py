"""One conformance battery over every learner model (scikit-learn's check_estimator habit)."""

from __future__ import annotations

import pytest

from learnloop.engine.learner_model import LearnerModel
from learnloop.engine.models import MODELS, make_model
from learnloop.engine.testing import check_learner_model


@pytest.mark.parametrize("name", list(MODELS))
def test_learner_model_conforms(name: str) -> None:
    check_learner_model(make_model(name))


class _Broken:
    """A model that breaks rule 3: fit does not return self."""

    def __init__(self, *, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, log):  # type: ignore[no-untyped-def]
        self.rate_ = 0.5

    def predict_proba(self, log):  # type: ignore[no-untyped-def]
        from learnloop.exceptions import NotFittedError

        if not hasattr(self, "rate_"):
            raise NotFittedError("no")
        raise AssertionError("unreachable")


def test_battery_catches_a_model_that_breaks_the_contract() -> None:
    with pytest.raises(AssertionError, match="must return self"):
        check_learner_model(_Broken())  # type: ignore[arg-type]


def test_every_registered_model_is_a_learner_model() -> None:
    assert all(isinstance(make_model(name), LearnerModel) for name in MODELS)
    with pytest.raises(ValueError, match="unknown model"):
        make_model("dkt")
