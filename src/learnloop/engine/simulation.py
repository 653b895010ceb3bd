"""Simulated learners, for demo histories and for testing the policy and the models.

``SimulatedLearner`` is deliberately not the engine's BKT: each learner has their own ability (how
much they know before starting) and learning rate, and some learn very slowly, so that a
simulated class contains the fast, the typical and the stuck. ``simulate_bkt_log`` draws from
known BKT parameters, to check that fitting recovers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from learnloop.engine.bkt import BKTParams
from learnloop.engine.response_log import QMatrix, ResponseLog
from learnloop.engine.skill_graph import SkillGraph

FloatArray = npt.NDArray[np.float64]

__all__ = ["SimulatedLearner", "simulate_bkt_log", "simulate_irt_log"]


@dataclass
class SimulatedLearner:
    """A learner with a hidden true state: which objectives they know, and how fast they learn.

    ``ability`` sets how much they know before starting (less of the advanced objectives);
    ``learn_rate`` is the chance that one practice opportunity teaches an unknown objective.
    """

    ability: float
    learn_rate: float
    known: dict[str, bool]

    @classmethod
    def draw(
        cls, graph: SkillGraph, rng: np.random.Generator, *, slow_share: float = 0.2
    ) -> SimulatedLearner:
        """A random learner; ``slow_share`` of them learn very slowly (they will look stuck)."""
        ability = float(rng.normal(0.0, 1.0))
        slow = bool(rng.random() < slow_share)
        learn_rate = 0.02 if slow else float(rng.beta(3.0, 7.0))
        known = {
            k: bool(rng.random() < 1.0 / (1.0 + np.exp(-(ability - 1.2 * graph.depth[k] - 0.5))))
            for k in graph.keys
        }
        return cls(ability, learn_rate, known)

    def answer(
        self, objective: str, rng: np.random.Generator, *, guess: float = 0.2, slip: float = 0.08
    ) -> bool:
        """Answer one question on ``objective``, then maybe learn it from the feedback."""
        correct = bool(rng.random() < ((1.0 - slip) if self.known[objective] else guess))
        if not self.known[objective] and rng.random() < self.learn_rate:
            self.known[objective] = True
        return correct


def simulate_bkt_log(
    params: Sequence[BKTParams],
    *,
    n_learners: int,
    length: tuple[int, int],
    rng: np.random.Generator,
    items_per_skill: int = 1,
) -> ResponseLog:
    """Responses drawn from known BKT parameters (skill ``k`` uses ``params[k]``).

    Each learner answers a run of ``length`` (min, max) questions on every skill, skills
    interleaved at random, so that fitting can be checked against the truth. With
    ``items_per_skill`` > 1, each answer is to one of the skill's items drawn at random (item
    ``k * items_per_skill + j``), and the log carries the q-matrix that says so.
    """
    learner_col: list[int] = []
    item_col: list[int] = []
    skill_col: list[int] = []
    correct_col: list[int] = []
    for learner in range(n_learners):
        counts = rng.integers(length[0], length[1] + 1, size=len(params))
        order = rng.permutation(np.repeat(np.arange(len(params)), counts))
        known = [bool(rng.random() < p.prior) for p in params]
        for k in order:
            p = params[k]
            correct = rng.random() < ((1.0 - p.slip) if known[k] else p.guess)
            learner_col.append(learner)
            item_col.append(int(k) * items_per_skill + int(rng.integers(items_per_skill)))
            skill_col.append(int(k))
            correct_col.append(int(correct))
            if known[k]:
                known[k] = not (rng.random() < p.forget)
            else:
                known[k] = bool(rng.random() < p.learn)
    q_matrix = QMatrix.from_lists([[k] for k in range(len(params)) for _ in range(items_per_skill)])
    return ResponseLog.from_columns(
        learner_col, skill_col, correct_col, item=item_col, q_matrix=q_matrix
    )


def simulate_irt_log(
    difficulty: npt.ArrayLike,
    discrimination: npt.ArrayLike,
    *,
    n_learners: int,
    answers_per_learner: int,
    rng: np.random.Generator,
) -> tuple[ResponseLog, FloatArray]:
    """Responses drawn from a 2PL model with abilities ~ N(0, 1); returns the log and the abilities.

    Each learner answers ``answers_per_learner`` distinct items drawn at random; item i is skill i.
    """
    b = np.asarray(difficulty, dtype=np.float64)
    a = np.asarray(discrimination, dtype=np.float64)
    theta = rng.normal(0.0, 1.0, n_learners)
    items = np.concatenate(
        [rng.choice(len(b), answers_per_learner, replace=False) for _ in range(n_learners)]
    )
    learners = np.repeat(np.arange(n_learners), answers_per_learner)
    p = 1.0 / (1.0 + np.exp(-a[items] * (theta[learners] - b[items])))
    correct = (rng.random(len(p)) < p).astype(np.int64)
    return ResponseLog.from_columns(learners, items, correct, item=items), theta
