"""Bayesian knowledge tracing (Corbett & Anderson, 1995), fitted by EM (Baum-Welch).

Each skill is a two-state hidden Markov model: the learner does not know it (0) or knows it (1).

    P(L0)            = prior             the learner knows the skill before practising
    P(0 -> 1)        = learn             learning between two opportunities
    P(1 -> 0)        = forget            forgetting (0 unless ``forgetting=True``)
    P(correct | 0)   = guess
    P(correct | 1)   = 1 - slip

The EM itself is in ``engine.bkt_em``: every skill at once in numpy, or groups of skills side by
side on an executor, with the same result. EM stops for each skill when its log-likelihood
improves by less than ``tol`` (relative); 1e-5 gives the same AUC as 1e-6 on kt/assistments09 in
40% of the iterations. Guess and slip are capped (``max_guess``, ``max_slip``, 0.45 each) so that
guess + slip stays below 1: a model where "knowing" makes a right answer less likely is
degenerate (Baker, Corbett & Aleven 2008). Tighter caps (0.3) cost 0.0015 AUC on a validation
split of kt/assistments09, so the defaults only exclude the degenerate region.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt

from learnloop.engine.bkt_em import EMSettings, Packed, answers_of, fit_skills, forward
from learnloop.engine.response_log import ResponseLog
from learnloop.exceptions import NotFittedError

__all__ = ["BKTParams", "BayesianKnowledgeTracing"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BKTParams:
    """One skill's parameters, with the online update of a learner's P(known)."""

    prior: float
    learn: float
    guess: float
    slip: float
    forget: float = 0.0

    def __post_init__(self) -> None:
        for name in ("prior", "learn", "guess", "slip", "forget"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"BKT {name} must be a probability, not {value}")
        if self.guess + self.slip >= 1.0:
            raise ValueError(
                "BKT guess + slip must be below 1, or a correct answer means less knowledge"
            )

    def predict(self, p_known: float) -> float:
        """P(the next answer is correct) given P(known) now."""
        return p_known * (1.0 - self.slip) + (1.0 - p_known) * self.guess

    def update(self, p_known: float, correct: bool) -> float:
        """P(known) after one answer: Bayes on the answer, then the learn/forget transition."""
        if correct:
            known = p_known * (1.0 - self.slip)
            posterior = known / (known + (1.0 - p_known) * self.guess)
        else:
            known = p_known * self.slip
            posterior = known / (known + (1.0 - p_known) * (1.0 - self.guess))
        return posterior * (1.0 - self.forget) + (1.0 - posterior) * self.learn


class BayesianKnowledgeTracing:
    """Per-skill BKT fitted by EM with restarts; predicts one step ahead and updates online.

    Learned state: ``skills_`` (skill ids, sorted), ``prior_``, ``learn_``, ``guess_``,
    ``slip_``, ``forget_``, ``skill_log_likelihood_`` and ``n_iter_`` (EM steps, over all
    starts): one value per skill; ``log_likelihood_``, their sum.
    """

    def __init__(
        self,
        *,
        forgetting: bool = False,
        n_restarts: int = 3,
        max_iter: int = 100,
        tol: float = 1e-5,
        max_guess: float = 0.45,
        max_slip: float = 0.45,
        random_state: int = 0,
    ) -> None:
        self.forgetting = forgetting
        self.n_restarts = n_restarts
        self.max_iter = max_iter
        self.tol = tol
        self.max_guess = max_guess
        self.max_slip = max_slip
        self.random_state = random_state

    # ----------------------------------------------------------------------------- fitting
    def fit(self, log: ResponseLog, *, executor: Executor | None = None, parts: int = 0) -> Self:
        """Fit every skill of ``log``. With an ``executor`` (a process pool, or a Dask
        cluster's ``Client.get_executor()``), the skills are split into ``parts`` groups of
        about as many answers each, one a worker, and the groups are fitted side by side on it:
        the parameters are the same as without (``bkt_em``), only sooner when the log is large.
        (More groups than workers only added overhead: on kt/assist2015 with two processes,
        2.7 s with 2 groups, 3.0 s with 8, 3.6 s with 16, against 5.9 s in one process.)"""
        if len(log) == 0:
            raise ValueError("cannot fit BKT on an empty log")
        if executor is not None and parts < 1:
            raise ValueError("give the number of groups (one a worker) with an executor")
        skills, skill_idx = np.unique(log.skill, return_inverse=True)
        skills, skill_idx = skills.astype(np.int64), skill_idx.astype(np.int64)
        settings = EMSettings(
            forgetting=self.forgetting, n_restarts=self.n_restarts, max_iter=self.max_iter,
            tol=self.tol, max_guess=self.max_guess, max_slip=self.max_slip,
            random_state=self.random_state,
        )  # fmt: skip
        groups = _balanced_groups(np.bincount(skill_idx), parts if executor else 1)
        if len(groups) == 1:
            fits = [fit_skills(settings, skills, skill_idx, log.learner, log.correct)]
        else:
            assert executor is not None
            pending = [
                executor.submit(fit_skills, settings, skills[group],
                                *answers_of(group, skill_idx, log.learner, log.correct))
                for group in groups
            ]  # fmt: skip
            fits = [job.result() for job in pending]
        order = np.argsort(np.concatenate([f.skills for f in fits]), kind="stable")
        params = np.concatenate([f.params for f in fits], axis=1)[:, order]
        self.skills_ = skills
        self.prior_, self.learn_, self.guess_, self.slip_, self.forget_ = (
            row.copy() for row in params
        )
        self.skill_log_likelihood_ = np.concatenate([f.log_likelihood for f in fits])[order]
        self.log_likelihood_ = float(self.skill_log_likelihood_.sum())
        self.n_iter_ = np.concatenate([f.n_iter for f in fits])[order]
        self.__dict__.pop("_params_cache", None)
        return self

    # ---------------------------------------------------------------------------- predicting
    def _check_fitted(self) -> None:
        if not hasattr(self, "skills_"):
            raise NotFittedError("BayesianKnowledgeTracing is not fitted yet: call fit first")

    def _param_matrix(self, skills: IntArray) -> tuple[FloatArray, IntArray]:
        """Parameters for the given skill ids; unseen skills get the median of the fitted ones."""
        fallback = np.median(
            np.vstack([self.prior_, self.learn_, self.guess_, self.slip_, self.forget_]), axis=1
        )
        table = np.column_stack(
            [np.vstack([self.prior_, self.learn_, self.guess_, self.slip_, self.forget_]), fallback]
        )
        pos = np.searchsorted(self.skills_, skills)
        pos = np.clip(pos, 0, len(self.skills_) - 1)
        known = self.skills_[pos] == skills
        idx = np.where(known, pos, len(self.skills_))
        return table, idx.astype(np.int64)

    def predict_proba(self, log: ResponseLog) -> FloatArray:
        """P(correct) of each row given only the learner's earlier rows (one step ahead)."""
        self._check_fitted()
        if len(log) == 0:
            return np.zeros(0)
        table, idx = self._param_matrix(log.skill)
        local, local_idx = np.unique(idx, return_inverse=True)
        packed = Packed.build(local_idx.astype(np.int64), log.learner, log.correct)
        chance = np.empty(len(log))
        forward(packed, table[:, local], chance)
        out = np.empty(len(log))
        out[packed.order] = chance
        return out

    # ------------------------------------------------------------------------------- online
    def params_for(self, skill: int) -> BKTParams:
        """The fitted parameters of one skill (the median skill's for a skill never seen)."""
        self._check_fitted()
        table, idx = self._param_matrix(np.array([skill], dtype=np.int64))
        p = table[:, idx[0]]
        return BKTParams(prior=p[0], learn=p[1], guess=p[2], slip=p[3], forget=p[4])

    def initial_state(self) -> dict[int, float]:
        """A new learner: P(known) per skill, filled in from the priors as skills are met."""
        self._check_fitted()
        return {}

    def _online(self, skill: int) -> BKTParams:
        cache: dict[int, BKTParams] = self.__dict__.setdefault("_params_cache", {})
        params = cache.get(skill)
        if params is None:
            params = cache[skill] = self.params_for(skill)
        return params

    def predict(self, state: dict[int, float], item: int, skill: int) -> float:
        params = self._online(skill)
        return params.predict(state.get(skill, params.prior))

    def update(
        self, state: dict[int, float], item: int, skill: int, correct: bool
    ) -> dict[int, float]:
        params = self._online(skill)
        state[skill] = params.update(state.get(skill, params.prior), correct)
        return state


def _balanced_groups(answers: IntArray, parts: int) -> list[IntArray]:
    """Skill positions split into at most ``parts`` groups of about as many answers each (the
    largest skill first, each to the group with the fewest answers so far), each sorted."""
    parts = min(parts, len(answers))
    load = np.zeros(parts, dtype=np.int64)
    members: list[list[int]] = [[] for _ in range(parts)]
    for skill in np.argsort(-answers, kind="stable").tolist():
        g = int(np.argmin(load))
        members[g].append(skill)
        load[g] += answers[skill]
    return [np.array(sorted(m), dtype=np.int64) for m in members if m]
