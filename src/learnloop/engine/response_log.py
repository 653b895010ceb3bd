"""A log of responses in the column layout every learner model fits on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ResponseLog"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ResponseLog:
    """Responses as parallel integer columns, each learner's rows in the order they happened.

    ``skill`` is the skill (objective, knowledge component) the response is evidence about;
    ``item`` the question answered; ``correct`` 1 or 0.
    """

    learner: IntArray
    skill: IntArray
    item: IntArray
    correct: IntArray

    def __post_init__(self) -> None:
        n = len(self.correct)
        for name in ("learner", "skill", "item"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"ResponseLog.{name} has {len(getattr(self, name))} rows, not {n}")
        if n and not np.isin(self.correct, (0, 1)).all():
            raise ValueError("ResponseLog.correct must hold only 0 and 1")

    @classmethod
    def from_columns(
        cls,
        learner: npt.ArrayLike,
        skill: npt.ArrayLike,
        correct: npt.ArrayLike,
        item: npt.ArrayLike | None = None,
    ) -> ResponseLog:
        """Build a log from array-likes; ``item`` defaults to the skill (one item per skill)."""
        skill_a = np.asarray(skill, dtype=np.int64)
        return cls(
            learner=np.asarray(learner, dtype=np.int64),
            skill=skill_a,
            item=skill_a.copy() if item is None else np.asarray(item, dtype=np.int64),
            correct=np.asarray(correct, dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.correct)
