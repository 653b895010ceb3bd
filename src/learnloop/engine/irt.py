"""Item response theory: the Rasch (1PL) and two-parameter logistic models, EAP ability.

    P(correct | θ, item i) = σ(a_i (θ − b_i))          (Birnbaum 1968; Rasch 1960: one shared a)

Item parameters are fitted by marginal maximum likelihood with the EM algorithm of Bock & Aitkin
(1981): abilities are integrated over a fixed quadrature grid with a standard normal prior; each
M-step takes one Fisher-scoring step per item on (b, log a), with weak normal priors on both
(difficulty sd ``difficulty_sd``, log-discrimination sd ``discrimination_sd``), which keeps items
answered by few learners from running off to infinity. A learner's ability is never fitted: it is
the posterior over the grid given their earlier answers (expected a posteriori, EAP), so the model
predicts for learners it has never seen and updates online by one multiplication.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import numpy.typing as npt

from learnloop.engine.response_log import ResponseLog
from learnloop.exceptions import NotFittedError

__all__ = ["ItemResponseTheory"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _log_sigmoid(z: FloatArray) -> FloatArray:
    return -np.logaddexp(0.0, -z)


class ItemResponseTheory:
    """Rasch (``model="rasch"``) or 2PL (``model="2pl"``) with EAP abilities."""

    def __init__(
        self,
        *,
        model: str = "2pl",
        n_quadrature: int = 41,
        max_iter: int = 100,
        tol: float = 1e-5,
        difficulty_sd: float = 2.0,
        discrimination_sd: float = 0.5,
    ) -> None:
        self.model = model
        self.n_quadrature = n_quadrature
        self.max_iter = max_iter
        self.tol = tol
        self.difficulty_sd = difficulty_sd
        self.discrimination_sd = discrimination_sd

    def _row_loglik(self, a: FloatArray, b: FloatArray, correct: IntArray) -> FloatArray:
        z = a[:, None] * (self.grid_[None, :] - b[:, None])
        return np.where(correct[:, None] > 0, _log_sigmoid(z), _log_sigmoid(-z))

    def fit(self, log: ResponseLog) -> Self:
        if self.model not in ("rasch", "2pl"):
            raise ValueError(f"model must be 'rasch' or '2pl', not {self.model!r}")
        if len(log) == 0:
            raise ValueError("cannot fit on an empty log")
        self.grid_ = np.linspace(-4.0, 4.0, self.n_quadrature)
        log_prior = -0.5 * self.grid_**2
        self.log_prior_ = log_prior - np.logaddexp.reduce(log_prior)
        self.items_, item_idx = np.unique(log.item, return_inverse=True)
        _, learner_idx = np.unique(log.learner, return_inverse=True)
        n_items = len(self.items_)
        by_learner = np.argsort(learner_idx, kind="stable")
        learner_starts = np.flatnonzero(np.diff(np.concatenate(([-1], learner_idx[by_learner]))))
        by_item = np.argsort(item_idx, kind="stable")
        item_starts = np.flatnonzero(np.diff(np.concatenate(([-1], item_idx[by_item]))))
        y = log.correct.astype(np.float64)
        b = np.zeros(n_items)
        log_a = np.zeros(n_items)
        previous = -np.inf
        iterations = 0
        while iterations < self.max_iter:
            iterations += 1
            a = np.exp(log_a)
            ll_rows = self._row_loglik(a[item_idx], b[item_idx], log.correct)
            ll_learners = (
                np.add.reduceat(ll_rows[by_learner], learner_starts, axis=0) + self.log_prior_
            )
            norm = np.logaddexp.reduce(ll_learners, axis=1)
            total = float(norm.sum())
            posterior = np.exp(ll_learners - norm[:, None])  # learners x grid
            weights = posterior[learner_idx]  # rows x grid
            n_g = np.add.reduceat(weights[by_item], item_starts, axis=0)  # items x grid
            r_g = np.add.reduceat((weights * y[:, None])[by_item], item_starts, axis=0)
            # one Fisher-scoring step on (b, log a) per item
            z = a[:, None] * (self.grid_[None, :] - b[:, None])
            p = 1.0 / (1.0 + np.exp(-z))
            e = r_g - n_g * p
            h = n_g * p * (1.0 - p)
            vb, va = self.difficulty_sd**2, self.discrimination_sd**2
            g_b = -(a * e.sum(1)) - b / vb
            g_la = (e * z).sum(1) - log_a / va
            i_bb = a**2 * h.sum(1) + 1.0 / vb
            i_ll = (h * z**2).sum(1) + 1.0 / va
            i_bl = -(a * (h * z).sum(1))
            if self.model == "rasch":
                b = b + g_b / i_bb
                # one discrimination shared by all items: its prior counts once, not once per item
                prior_term = float(log_a[0]) / va
                gradient = float((e * z).sum()) - prior_term
                information = float((h * z**2).sum()) + 1.0 / va
                shared = gradient / information
                log_a = np.full(n_items, float(log_a[0]) + shared)
            else:
                det = i_bb * i_ll - i_bl**2
                b = b + (i_ll * g_b - i_bl * g_la) / det
                log_a = np.clip(log_a + (i_bb * g_la - i_bl * g_b) / det, -2.5, 2.5)
            if total - previous < self.tol * abs(total):
                break
            previous = total
        self.difficulty_ = b
        self.discrimination_ = np.exp(log_a)
        self.log_likelihood_ = previous
        self.n_iter_ = iterations
        self._fallback = (float(np.median(b)), float(np.median(np.exp(log_a))))
        self._index = {int(item): i for i, item in enumerate(self.items_)}
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "difficulty_"):
            raise NotFittedError("ItemResponseTheory is not fitted yet: call fit first")

    def _params(self, items: IntArray) -> tuple[FloatArray, FloatArray]:
        pos = np.clip(np.searchsorted(self.items_, items), 0, len(self.items_) - 1)
        seen = self.items_[pos] == items
        b = np.where(seen, self.difficulty_[pos], self._fallback[0])
        a = np.where(seen, self.discrimination_[pos], self._fallback[1])
        return a, b

    def predict_proba(self, log: ResponseLog) -> FloatArray:
        """P(correct) of each row given the learner's earlier rows (EAP over the grid)."""
        self._check_fitted()
        n = len(log)
        if n == 0:
            return np.zeros(0)
        a, b = self._params(log.item)
        ll_rows = self._row_loglik(a, b, log.correct)
        order = np.lexsort((np.arange(n), log.learner))
        ll_sorted = ll_rows[order]
        learner_sorted = log.learner[order]
        start = np.ones(n, dtype=bool)
        start[1:] = learner_sorted[1:] != learner_sorted[:-1]
        cum = np.cumsum(ll_sorted, axis=0) - ll_sorted  # exclusive running sum
        group = np.cumsum(start) - 1
        cum -= cum[np.flatnonzero(start)][group]
        log_post = cum + self.log_prior_
        log_post -= np.logaddexp.reduce(log_post, axis=1)[:, None]
        z = a[order][:, None] * (self.grid_[None, :] - b[order][:, None])
        p_sorted = (np.exp(log_post) / (1.0 + np.exp(-z))).sum(1)
        out = np.empty(n)
        out[order] = p_sorted
        return out

    def ability(self, state: FloatArray) -> tuple[float, float]:
        """EAP ability and its posterior standard deviation for a learner's state."""
        post = np.exp(state - np.logaddexp.reduce(state))
        mean = float(post @ self.grid_)
        return mean, float(np.sqrt(post @ (self.grid_ - mean) ** 2))

    def initial_state(self) -> FloatArray:
        self._check_fitted()
        state: FloatArray = self.log_prior_.copy()
        return state

    def _item(self, item: int) -> tuple[float, float]:
        i = self._index.get(item)
        if i is None:
            return self._fallback[1], self._fallback[0]
        return float(self.discrimination_[i]), float(self.difficulty_[i])

    def predict(self, state: FloatArray, item: int, skill: int) -> float:
        a, b = self._item(item)
        post = np.exp(state - np.logaddexp.reduce(state))
        return float(post @ (1.0 / (1.0 + np.exp(-a * (self.grid_ - b)))))

    def update(self, state: FloatArray, item: int, skill: int, correct: bool) -> FloatArray:
        a, b = self._item(item)
        z = a * (self.grid_ - b)
        state += _log_sigmoid(z) if correct else _log_sigmoid(-z)
        return state
