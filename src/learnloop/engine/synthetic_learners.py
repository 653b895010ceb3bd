"""Synthetic learners for class simulations: a generative model that is not the engine's own.

The engine models learners with BKT (a hidden known/unknown switch). The simulated learners here
learn gradually and forget, the way the memory literature describes, so a policy tuned to BKT
gets no free advantage from the simulation:

- each learner has an ability ``theta ~ N(0, 0.6)`` and a learning rate ``rate ~ LogNormal(0,
  0.4)``; each item a difficulty ``b ~ N(0, 0.5)``;
- knowledge ``K`` of an objective (0..1) grows with each practice by
  ``rate * GAIN * (1 - K) * readiness``, where readiness is the least recalled prerequisite's
  recall, at least ``MIN_READINESS`` (learning on shaky foundations is slow: Bloom 1968), and
  exercises the direct prerequisites at ``TRANSFER`` of that;
- knowledge fades between practices, ``recall = K * exp(-days / tau)``, and each practice
  strengthens ``tau`` more the longer it waited (the spacing effect: Cepeda et al. 2006;
  massed practice on one day adds little);
- ``P(right) = sigmoid(theta - b + 6 (recall - 0.5))``.

An objective is truly mastered when its recall reaches ``TRUE_MASTERY``. All randomness comes from
the generator passed in; time is a number of days passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["TRUE_MASTERY", "SyntheticLearner", "draw_learners"]

FloatArray = npt.NDArray[np.float64]

GAIN = 0.22  # share of what is left to learn that one practice teaches an average learner
TAU_START = 6.0  # days: a skill practised once, in one sitting, halves in about four days
TAU_GROWTH = 1.6  # a well-spaced practice multiplies tau by up to 1 + this
TRUE_MASTERY = 0.85  # recall at which an objective counts as truly mastered
TRANSFER = 0.3  # practising an objective exercises its direct prerequisites this much
MIN_READINESS = 0.2  # even on forgotten foundations some learning happens


@dataclass
class SyntheticLearner:
    objectives: tuple[str, ...]
    prerequisites: Mapping[str, Sequence[str]]
    theta: float
    rate: float
    knowledge: FloatArray  # K per objective, at its last practice
    tau: FloatArray  # days
    last: FloatArray  # day of the last practice (NaN: never)
    mastered_at: dict[str, float] = field(default_factory=dict)  # first day truly mastered

    def recall(self, day: float) -> FloatArray:
        waited = np.where(np.isnan(self.last), 0.0, day - np.nan_to_num(self.last))
        out: FloatArray = self.knowledge * np.exp(-np.maximum(waited, 0.0) / self.tau)
        return out

    def p_right(self, objective: str, difficulty: float, day: float) -> float:
        r = self.recall(day)[self.objectives.index(objective)]
        return float(1.0 / (1.0 + np.exp(-(self.theta - difficulty + 6.0 * (r - 0.5)))))

    def answer(
        self, objective: str, difficulty: float, day: float, rng: np.random.Generator
    ) -> bool:
        """Answers a question, then learns from it (with feedback, right or wrong)."""
        right = bool(rng.random() < self.p_right(objective, difficulty, day))
        self.practise(objective, day)
        return right

    def practise(self, objective: str, day: float) -> None:
        """One practice of ``objective``; it also exercises its direct prerequisites a little
        (adding unlike fractions uses equivalent fractions), at ``TRANSFER`` of the effect."""
        now = self.recall(day)
        self._strengthen(objective, day, now, 1.0)
        for p in self.prerequisites.get(objective, ()):
            self._strengthen(p, day, now, TRANSFER)

    def _strengthen(self, objective: str, day: float, now: FloatArray, weight: float) -> None:
        j = self.objectives.index(objective)
        readiness = min(
            (now[self.objectives.index(p)] for p in self.prerequisites.get(objective, ())),
            default=1.0,
        )
        readiness = max(readiness, MIN_READINESS)
        waited = 0.0 if np.isnan(self.last[j]) else day - self.last[j]
        k = now[j]
        self.knowledge[j] = k + weight * self.rate * GAIN * (1.0 - k) * readiness
        if not np.isnan(self.last[j]):
            # spacing: a practice after a long wait (relative to tau) strengthens memory most
            self.tau[j] *= 1.0 + weight * TAU_GROWTH * (1.0 - np.exp(-waited / self.tau[j]))
        self.last[j] = day
        if self.knowledge[j] >= TRUE_MASTERY and objective not in self.mastered_at:
            self.mastered_at[objective] = day

    def all_mastered(self) -> bool:
        return len(self.mastered_at) == len(self.objectives)


def draw_learners(
    objectives: Sequence[str],
    prerequisites: Mapping[str, Sequence[str]],
    n: int,
    rng: np.random.Generator,
) -> list[SyntheticLearner]:
    out = []
    for _ in range(n):
        m = len(objectives)
        out.append(
            SyntheticLearner(
                tuple(objectives),
                prerequisites,
                theta=float(rng.normal(0.0, 0.6)),
                rate=float(rng.lognormal(0.0, 0.4)),
                knowledge=np.zeros(m),
                tau=np.full(m, TAU_START),
                last=np.full(m, np.nan),
            )
        )
    return out
