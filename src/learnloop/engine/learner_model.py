"""The interface every learner model offers, batch and online."""

from __future__ import annotations

from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from learnloop.engine.response_log import ResponseLog

__all__ = ["LearnerModel"]


@runtime_checkable
class LearnerModel(Protocol):
    """Fit on a log; predict each response one step ahead; keep one learner's state online.

    ``state`` is whatever the model keeps per learner (a P(known) per skill for BKT, a posterior
    over ability for IRT, practice counts for the logistic models). ``update`` may change the
    state it is given and returns it, so that an update costs one call and no history scan.
    """

    def fit(self, log: ResponseLog) -> Self: ...

    def predict_proba(self, log: ResponseLog) -> npt.NDArray[np.float64]: ...

    def initial_state(self) -> Any: ...

    def predict(self, state: Any, item: int, skill: int) -> float: ...

    def update(self, state: Any, item: int, skill: int, correct: bool) -> Any: ...
