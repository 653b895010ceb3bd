"""Logistic models over the learner's practice history: PFA, Best-LR, and Best-LR with recency.

P(correct) = σ(w · x), where x describes the item and what the learner did before it:

- ``pfa`` (Pavlik, Cen & Koedinger 2009, *Performance Factors Analysis*): per KC of the item, an
  easiness β_k plus γ_k·(prior successes on k) + ρ_k·(prior failures on k).
- ``best-lr`` (Gervet, Koedinger, Schneider & Mitchell 2020, *When is deep learning the best
  approach to knowledge tracing?*): item easiness, KC easiness, log(1 + successes) and
  log(1 + failures) per KC and in total. The totals stand in for the learner's ability, which a
  learner-level split cannot learn directly.
- ``best-lr+recency``: best-lr plus the outcomes of the last three attempts on the same KC and
  of the last three attempts overall (+1 right, −1 wrong, 0 none), in the spirit of recency-
  weighted PFA (Galyardt & Goldin 2015). Mastery-learning logs end runs after a streak, so
  recent outcomes carry much of what counts alone do not.
- ``best-lr+patterns``: best-lr+recency plus one weight per *pattern* of the last four outcomes
  (each right, wrong or none: 81 patterns), on the same KC and overall. The linear recency terms
  add up the last outcomes; a pattern weight lets "wrong, then three right" differ from the sum
  of its parts, as it does where a run ends on a streak (the "response pattern" features of
  Schmucker et al. 2022, *Assessing the performance of online students*).

KCs come from the log's q-matrix when it has one, else from its ``skill`` column. Fitting is
L2-regularised maximum likelihood by L-BFGS on a sparse design built with numpy alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from learnloop.engine.lbfgs import minimize_lbfgs
from learnloop.engine.response_log import QMatrix, ResponseLog
from learnloop.exceptions import NotFittedError

__all__ = ["FEATURE_SETS", "RECENT_OUTCOMES", "LearnerHistory", "LogisticKnowledgeTracing"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FEATURE_SETS: dict[str, frozenset[str]] = {
    "pfa": frozenset({"kc", "kc_counts_raw"}),
    "best-lr": frozenset({"bias", "item", "kc", "kc_counts_log", "total_counts_log"}),
    "best-lr+recency": frozenset(
        {"bias", "item", "kc", "kc_counts_log", "total_counts_log", "recency"}
    ),
    "best-lr+patterns": frozenset(
        {"bias", "item", "kc", "kc_counts_log", "total_counts_log", "recency", "patterns"}
    ),
}
_LAGS = 3  # last outcomes entering linearly (recency)
# Last outcomes whose joint pattern has a weight (patterns): chosen on a validation split of
# kt/assistments09's training learners (3: +0.004 AUC over recency alone, 4 to 6: +0.005).
_PATTERN_LAGS = 4
_KEPT = max(_LAGS, _PATTERN_LAGS)
RECENT_OUTCOMES = _KEPT  # how many last outcomes a learner's history keeps (per KC and overall)
_PATTERNS = 3**_PATTERN_LAGS


@dataclass
class LearnerHistory:
    """One learner's counts, per KC [successes, failures, last outcome, second last, ...] and
    overall (outcomes +1 right, −1 wrong, 0 none; the last ``_KEPT`` of them)."""

    kc: dict[int, list[int]] = field(default_factory=dict)
    wins: int = 0
    fails: int = 0
    lags: list[int] = field(default_factory=lambda: [0] * _KEPT)


def _pattern(lags: list[IntArray] | list[int]) -> Any:
    """The code (0 to 80) of the last ``_PATTERN_LAGS`` outcomes, the last one first."""
    code: Any = 0
    for lag in lags[:_PATTERN_LAGS]:
        code = code * 3 + (lag + 1)
    return code


def _exclusive_history(
    group_keys: tuple[IntArray, ...], order_key: IntArray, correct: IntArray
) -> tuple[IntArray, IntArray, IntArray, list[IntArray]]:
    """For entries grouped by ``group_keys`` and ordered by ``order_key``: the sort order, and per
    entry (in that order) prior successes, prior failures and the last outcomes (+1/−1/0)."""
    order = np.lexsort((order_key, *reversed(group_keys)))
    c = correct[order]
    n = len(c)
    new = np.zeros(n, dtype=bool)
    new[:1] = True
    for key in group_keys:
        k = key[order]
        new[1:] |= k[1:] != k[:-1]
    start = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    pos = np.arange(n) - start[group]
    before = np.cumsum(c) - c
    wins = before - before[start][group]
    fails = pos - wins
    signed = 2 * c - 1
    lags = []
    for lag in range(1, _KEPT + 1):
        shifted = np.zeros(n, dtype=np.int64)
        shifted[lag:] = signed[:-lag] if lag < n else shifted[lag:]
        lags.append(np.where(pos >= lag, shifted, 0))
    return order, wins, fails, lags


class LogisticKnowledgeTracing:
    """One logistic model, with the feature set named by ``features`` (see FEATURE_SETS)."""

    def __init__(
        self,
        *,
        features: str = "best-lr",
        alpha: float = 1.0,
        max_iter: int = 1000,
        tol: float = 1e-7,
    ) -> None:
        self.features = features
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol

    # ----------------------------------------------------------------------- layout
    def _layout(self, n_items: int, n_kcs: int) -> dict[str, tuple[int, int]]:
        feats = FEATURE_SETS[self.features]
        blocks: list[tuple[str, int]] = [
            ("bias", 1 if "bias" in feats else 0),
            ("item", n_items if "item" in feats else 0),
            ("kc", n_kcs if "kc" in feats else 0),
            ("kc_wins", n_kcs if feats & {"kc_counts_raw", "kc_counts_log"} else 0),
            ("kc_fails", n_kcs if feats & {"kc_counts_raw", "kc_counts_log"} else 0),
            ("total", 2 if "total_counts_log" in feats else 0),
            ("kc_recency", _LAGS if "recency" in feats else 0),
            ("recency", _LAGS if "recency" in feats else 0),
            ("kc_pattern", _PATTERNS if "patterns" in feats else 0),
            ("pattern", _PATTERNS if "patterns" in feats else 0),
        ]
        out: dict[str, tuple[int, int]] = {}
        start = 0
        for name, size in blocks:
            out[name] = (start, size)
            start += size
        return out

    def _count(self, n: IntArray) -> FloatArray:
        counts = n.astype(np.float64)
        return counts if "kc_counts_raw" in FEATURE_SETS[self.features] else np.log1p(counts)

    def _design(self, log: ResponseLog) -> tuple[IntArray, IntArray, FloatArray]:
        """The sparse design matrix as (row, column, value) triples."""
        lay = self.layout_
        n = len(log)
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        vals: list[FloatArray] = []

        def add(r: IntArray, c: IntArray, v: FloatArray | float) -> None:
            rows.append(r)
            cols.append(c)
            vals.append(np.broadcast_to(np.asarray(v, dtype=np.float64), r.shape).copy())

        prow, pkc = log.kc_pairs()
        keep = (pkc >= 0) & (pkc < self.n_kcs_)
        prow, pkc = prow[keep], pkc[keep]
        order, wins, fails, lags = _exclusive_history(
            (log.learner[prow], pkc), prow, log.correct[prow]
        )
        r, k = prow[order], pkc[order]
        if lay["kc"][1]:
            add(r, lay["kc"][0] + k, 1.0)
        if lay["kc_wins"][1]:
            add(r, lay["kc_wins"][0] + k, self._count(wins))
            add(r, lay["kc_fails"][0] + k, self._count(fails))
        if lay["kc_recency"][1]:
            for j, lag in enumerate(lags[:_LAGS]):
                add(r, np.full(len(r), lay["kc_recency"][0] + j), lag.astype(np.float64))
        if lay["kc_pattern"][1]:
            add(r, lay["kc_pattern"][0] + _pattern(lags), 1.0)
        all_rows = np.arange(n, dtype=np.int64)
        if lay["bias"][1]:
            add(all_rows, np.zeros(n, dtype=np.int64), 1.0)
        if lay["item"][1]:
            pos = np.clip(np.searchsorted(self.items_, log.item), 0, len(self.items_) - 1)
            seen = self.items_[pos] == log.item
            add(all_rows[seen], lay["item"][0] + pos[seen], 1.0)
        if lay["total"][1] or lay["recency"][1] or lay["pattern"][1]:
            order, wins, fails, lags = _exclusive_history((log.learner,), all_rows, log.correct)
            r = all_rows[order]
            if lay["total"][1]:
                add(r, np.full(n, lay["total"][0]), np.log1p(wins))
                add(r, np.full(n, lay["total"][0] + 1), np.log1p(fails))
            if lay["recency"][1]:
                for j, lag in enumerate(lags[:_LAGS]):
                    add(r, np.full(n, lay["recency"][0] + j), lag.astype(np.float64))
            if lay["pattern"][1]:
                add(r, lay["pattern"][0] + _pattern(lags), 1.0)
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    # -------------------------------------------------------------------------- fit
    def fit(self, log: ResponseLog) -> Self:
        if self.features not in FEATURE_SETS:
            raise ValueError(
                f"features must be one of {sorted(FEATURE_SETS)}, not {self.features!r}"
            )
        if len(log) == 0:
            raise ValueError("cannot fit on an empty log")
        self.items_ = np.unique(log.item)
        _, kcs = log.kc_pairs()
        self.n_kcs_ = int(kcs.max()) + 1 if len(kcs) else 0
        self.q_matrix_: QMatrix | None = log.q_matrix
        self.layout_ = self._layout(len(self.items_), self.n_kcs_)
        d = sum(size for _, size in self.layout_.values())
        rows, cols, vals = self._design(log)
        y = log.correct.astype(np.float64)
        n = len(log)
        penalty = np.full(d, self.alpha)
        if self.layout_["bias"][1]:
            penalty[0] = 0.0

        def loss_and_grad(w: FloatArray) -> tuple[float, FloatArray]:
            z = np.bincount(rows, weights=vals * w[cols], minlength=n)
            # log(1 + e^z) - y z, computed stably
            loss = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * w * w))
            residual = 1.0 / (1.0 + np.exp(-z)) - y
            grad = np.bincount(cols, weights=vals * residual[rows], minlength=d) + penalty * w
            return loss, grad

        w, loss, iterations = minimize_lbfgs(
            loss_and_grad, np.zeros(d), max_iter=self.max_iter, tol=self.tol
        )
        self.coef_ = w
        self.loss_ = loss
        self.n_iter_ = iterations
        self._w = w.tolist()
        self._item_column = {int(item): i for i, item in enumerate(self.items_)}
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("LogisticKnowledgeTracing is not fitted yet: call fit first")

    def predict_proba(self, log: ResponseLog) -> FloatArray:
        self._check_fitted()
        rows, cols, vals = self._design(log)
        z = np.bincount(rows, weights=vals * self.coef_[cols], minlength=len(log))
        return 1.0 / (1.0 + np.exp(-z))

    # ----------------------------------------------------------------------- online
    def initial_state(self) -> LearnerHistory:
        self._check_fitted()
        return LearnerHistory()

    def _kcs(self, item: int, skill: int) -> list[int]:
        kcs = self.q_matrix_.kcs(item).tolist() if self.q_matrix_ is not None else [skill]
        return [k for k in kcs if 0 <= k < self.n_kcs_]

    def predict(self, state: LearnerHistory, item: int, skill: int) -> float:
        w, lay = self._w, self.layout_
        z = w[0] if lay["bias"][1] else 0.0
        if lay["item"][1]:
            column = self._item_column.get(item)
            if column is not None:
                z += w[lay["item"][0] + column]
        raw = "kc_counts_raw" in FEATURE_SETS[self.features]
        for k in self._kcs(item, skill):
            h = state.kc.get(k)
            if lay["kc"][1]:
                z += w[lay["kc"][0] + k]
            if h is None:
                if lay["kc_pattern"][1]:  # no attempt yet: the pattern "none, none, ..."
                    z += w[lay["kc_pattern"][0] + _pattern([0] * _PATTERN_LAGS)]
                continue
            if lay["kc_wins"][1]:
                z += w[lay["kc_wins"][0] + k] * (h[0] if raw else math.log1p(h[0]))
                z += w[lay["kc_fails"][0] + k] * (h[1] if raw else math.log1p(h[1]))
            if lay["kc_recency"][1]:
                start = lay["kc_recency"][0]
                z += w[start] * h[2] + w[start + 1] * h[3] + w[start + 2] * h[4]
            if lay["kc_pattern"][1]:
                z += w[lay["kc_pattern"][0] + _pattern(h[2:])]
        if lay["total"][1]:
            z += w[lay["total"][0]] * math.log1p(state.wins) + w[lay["total"][0] + 1] * math.log1p(
                state.fails
            )
        if lay["recency"][1]:
            start = lay["recency"][0]
            z += (
                w[start] * state.lags[0]
                + w[start + 1] * state.lags[1]
                + w[start + 2] * state.lags[2]
            )
        if lay["pattern"][1]:
            z += w[lay["pattern"][0] + _pattern(state.lags)]
        return 1.0 / (1.0 + math.exp(-z))

    def update(self, state: LearnerHistory, item: int, skill: int, correct: bool) -> LearnerHistory:
        sign = 1 if correct else -1
        for k in self._kcs(item, skill):
            h = state.kc.get(k)
            if h is None:
                h = state.kc[k] = [0, 0] + [0] * _KEPT
            h[0 if correct else 1] += 1
            h[2:] = [sign, *h[2:-1]]
        if correct:
            state.wins += 1
        else:
            state.fails += 1
        state.lags = [sign, *state.lags[:-1]]
        return state
