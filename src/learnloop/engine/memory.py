"""FSRS-6, the memory model behind spaced review, in numpy: predicted recall and parameter fitting.

A memory (an objective a learner mastered, a card in a flashcard deck) has a stability ``S``
(days until recall falls to 90%) and a difficulty ``D`` in [1, 10]. Recall after ``t`` days is

    R(t, S) = (1 + F t / S) ** -w20,   F = 0.9 ** (-1 / w20) - 1

and each review with rating r (1 again, 2 hard, 3 good, 4 easy) updates them:

    first review:  S = w[r-1],  D = w4 - exp(w5 (r - 1)) + 1
    recalled:      S' = S (1 + exp(w8) (11 - D) S^-w9 (exp(w10 (1 - R)) - 1) · w15[hard] · w16[easy])
    forgotten:     S' = min(w11 D^-w12 ((S + 1)^w13 - 1) exp(w14 (1 - R)),  S / exp(w17 w18))
    same day:      S' = S exp(w17 (r - 3 + w18)) S^-w19   (at least S when recalled)
    difficulty:    D' = w7 D0(easy) + (1 - w7) (D - w6 (r - 3) (10 - D) / 9)

(Ye, Su & Cao 2022, "A stochastic shortest path algorithm for optimizing spaced repetition
scheduling", KDD; FSRS-6 as implemented by the ``fsrs`` package, whose scheduler the platform
uses; ``tests/engine/test_memory.py`` checks that these equations agree with it review by review.)

The ``fsrs`` package fits parameters with PyTorch; the engine fits them here with numpy and
L-BFGS on finite differences, all parameter perturbations evaluated in one batched pass, with an
L2 pull towards the default parameters that matters for a small course and fades as reviews
accumulate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt

from learnloop.engine.lbfgs import minimize_lbfgs

__all__ = [
    "DEFAULT_PARAMETERS",
    "LOWER_BOUNDS",
    "UPPER_BOUNDS",
    "FSRSMemoryModel",
    "ReviewHistory",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# FSRS-6's published defaults (trained on ~10k Anki collections), and the box it stays inside.
DEFAULT_PARAMETERS: tuple[float, ...] = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
LOWER_BOUNDS: tuple[float, ...] = (
    0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001,
    0.001, 0.001, 0.001, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1,
)  # fmt: skip
UPPER_BOUNDS: tuple[float, ...] = (
    100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5,
    5.0, 0.25, 0.9, 4.0, 1.0, 6.0, 2.0, 2.0, 0.8, 0.8,
)  # fmt: skip
_N = len(DEFAULT_PARAMETERS)
_S_MIN = 0.001


@dataclass(frozen=True)
class ReviewHistory:
    """Reviews of many memories; each memory's reviews are contiguous and in time order.

    ``elapsed_days`` is the whole number of days since the memory's previous review (ignored on
    its first). ``rating`` is 1 (again) to 4 (easy); a review counts as recalled when rating > 1.
    """

    memory: IntArray
    elapsed_days: FloatArray
    rating: IntArray

    def __post_init__(self) -> None:
        n = len(self.memory)
        if len(self.elapsed_days) != n or len(self.rating) != n:
            raise ValueError("memory, elapsed_days and rating must have the same length")
        if n and (self.rating.min() < 1 or self.rating.max() > 4):
            raise ValueError("ratings are 1 (again) to 4 (easy)")
        if n and np.any(np.diff(self.memory) < 0):
            raise ValueError("each memory's reviews must be contiguous, memories in order")

    @property
    def recalled(self) -> BoolArray:
        return self.rating > 1

    @property
    def first(self) -> BoolArray:
        """True on each memory's first review, which has no prediction."""
        out = np.ones(len(self.memory), dtype=bool)
        out[1:] = self.memory[1:] != self.memory[:-1]
        return out

    def __len__(self) -> int:
        return len(self.memory)

    def situations(self) -> IntArray:
        """A group number per review for ``metrics.rmse_bins``: the interval (on a doubling
        scale), the review's number within its memory (capped at 8) and the lapses before it
        (capped at 3), so predictions are compared with outcomes in like situations."""
        starts = np.flatnonzero(self.first)
        owner = np.cumsum(self.first) - 1
        number = np.arange(len(self)) - starts[owner]
        lapse = (~self.recalled).astype(np.int64)
        lapses = np.cumsum(lapse) - lapse  # lapses before this review, across memories...
        lapses -= (np.cumsum(lapse) - lapse)[starts][owner]  # ...minus those of earlier ones
        interval = np.floor(np.log2(np.maximum(self.elapsed_days, 0.0) + 1.0)).astype(np.int64)
        out: IntArray = (interval * 9 + np.minimum(number, 8)) * 4 + np.minimum(lapses, 3)
        return out


@dataclass(frozen=True)
class _Packed:
    """Step-major layout: at step t the active memories are the first ``active[t]``."""

    steps: list[IntArray]  # review indices at each step, longest memories first

    @classmethod
    def build(cls, history: ReviewHistory) -> _Packed:
        if len(history) == 0:
            return cls([])
        starts = np.flatnonzero(history.first)
        lengths = np.diff(np.append(starts, len(history)))
        order = np.argsort(-lengths, kind="stable")
        starts, lengths = starts[order], lengths[order]
        steps = []
        for t in range(int(lengths[0])):
            k = int(np.searchsorted(-lengths, -t, side="left"))  # memories longer than t
            steps.append(starts[:k] + t)
        return cls(steps)


def _forward(w: FloatArray, history: ReviewHistory, packed: _Packed) -> FloatArray:
    """Predicted recall before every review, for each parameter row of ``w`` (P x 21)."""
    p_sets = w.shape[0]
    pred = np.full((p_sets, len(history)), np.nan)
    if not packed.steps:
        return pred
    col = [w[:, j : j + 1] for j in range(_N)]
    decay = -col[20]
    factor = 0.9 ** (1.0 / decay) - 1.0
    d_easy = col[4] - np.exp(col[5] * 3.0) + 1.0
    first = history.rating[packed.steps[0]]
    s = np.maximum(w[:, first - 1], _S_MIN)
    r0 = first.astype(np.float64)
    d = np.clip(col[4] - np.exp(col[5] * (r0 - 1.0)) + 1.0, 1.0, 10.0)
    for idx in packed.steps[1:]:
        k = len(idx)
        s, d = s[:, :k], d[:, :k]
        dt = history.elapsed_days[idx]
        r = history.rating[idx].astype(np.float64)
        retr = (1.0 + factor * np.maximum(dt, 0.0) / s) ** decay
        pred[:, idx] = retr
        hard = np.where(r == 2, col[15], 1.0)
        easy = np.where(r == 4, col[16], 1.0)
        s_recall = s * (
            1.0
            + np.exp(col[8])
            * (11.0 - d)
            * s ** (-col[9])
            * (np.exp((1.0 - retr) * col[10]) - 1.0)
            * hard
            * easy
        )
        s_forget = np.minimum(
            col[11]
            * d ** (-col[12])
            * ((s + 1.0) ** col[13] - 1.0)
            * np.exp((1.0 - retr) * col[14]),
            s / np.exp(col[17] * col[18]),
        )
        grow = np.exp(col[17] * (r - 3.0 + col[18])) * s ** (-col[19])
        grow = np.where(r >= 2, np.maximum(grow, 1.0), grow)
        s_new = np.where(dt < 1.0, s * grow, np.where(r == 1, s_forget, s_recall))
        s = np.maximum(s_new, _S_MIN)
        d_next = d - col[6] * (r - 3.0) * (10.0 - d) / 9.0
        d = np.clip(col[7] * d_easy + (1.0 - col[7]) * d_next, 1.0, 10.0)
    return pred


def recall_after(stability: float, days: float, decay: float = DEFAULT_PARAMETERS[20]) -> float:
    """R(t, S): the chance of recall ``days`` after a review that left stability ``stability``."""
    factor = 0.9 ** (-1.0 / decay) - 1.0
    return float((1.0 + factor * max(days, 0.0) / stability) ** -decay)


class FSRSMemoryModel:
    """FSRS-6 with parameters fitted to a review history (scikit-learn style)."""

    def __init__(
        self,
        *,
        l2: float = 64.0,
        max_iter: int = 60,
        step: float = 1e-4,
        initial: tuple[float, ...] = DEFAULT_PARAMETERS,
    ) -> None:
        # l2: strength of the pull towards ``initial``, in units of reviews: with 64 reviews the
        # data and the prior weigh about the same; with thousands the data decide.
        self.l2 = l2
        self.max_iter = max_iter
        self.step = step
        self.initial = initial

    def fit(self, history: ReviewHistory, *, scored: BoolArray | None = None) -> Self:
        """Fit to the predictions on ``scored`` reviews (default: every review but a first)."""
        mask = ~history.first if scored is None else (scored & ~history.first)
        n = int(mask.sum())
        if n == 0:
            raise ValueError("fitting needs at least one review after a memory's first")
        packed = _Packed.build(history)
        y = history.recalled[mask].astype(np.float64)
        lo, hi = np.array(LOWER_BOUNDS), np.array(UPPER_BOUNDS)
        span = hi - lo
        w0 = np.clip(np.array(self.initial, dtype=np.float64), lo, hi)
        eye = np.eye(_N) * self.step

        # Parameters are searched in units of their box's width, and clipped into it.
        def to_w(z: FloatArray) -> FloatArray:
            w: FloatArray = np.clip(lo + span * z, lo, hi)
            return w

        def losses(ws: FloatArray) -> FloatArray:
            p = np.clip(_forward(ws, history, packed)[:, mask], 1e-6, 1 - 1e-6)
            nll = -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1)
            prior = self.l2 * (((ws - w0) / span) ** 2).sum(axis=1)
            out: FloatArray = (nll + prior) / n
            return out

        def loss_and_grad(z: FloatArray) -> tuple[float, FloatArray]:
            zs = np.vstack([z, z + eye])
            f = losses(to_w(zs.reshape(-1, _N)))
            grad: FloatArray = (f[1:] - f[0]) / self.step
            return float(f[0]), grad

        z0 = (w0 - lo) / span
        z, loss, iterations = minimize_lbfgs(loss_and_grad, z0, max_iter=self.max_iter, tol=1e-6)
        self.parameters_: tuple[float, ...] = tuple(float(v) for v in to_w(z))
        self.loss_ = loss
        self.n_iter_ = iterations
        self.n_reviews_ = n
        return self

    def predict_recall(
        self, history: ReviewHistory, parameters: tuple[float, ...] | None = None
    ) -> FloatArray:
        """Predicted recall before each review (NaN on a memory's first review)."""
        if parameters is None:
            if not hasattr(self, "parameters_"):
                raise RuntimeError("fit the model first, or pass parameters")
            parameters = self.parameters_
        w = np.array(parameters, dtype=np.float64)[None, :]
        out: FloatArray = _forward(w, history, _Packed.build(history))[0]
        return out
