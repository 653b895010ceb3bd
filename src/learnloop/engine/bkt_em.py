"""The EM (Baum-Welch) behind ``engine.bkt``, as functions of plain arrays, so that groups of skills can
be fitted in other processes (``BayesianKnowledgeTracing.fit`` with an executor) and give the same
parameters as one fit of them all.

Fitting runs the forward-backward pass over every learner's sequence of every skill at once: the
sequences are packed time-major, longest first (as in packed RNN batches), so that step t works on
one contiguous block holding every sequence still running at t. Emission probabilities are
computed for all positions at once, the backward pass reuses the forward pass's normalisers, and
expected counts are kept per position and summed per skill with one ``bincount`` each at the end.

Each skill is its own model, and nothing in a fit lets one skill's numbers touch another's: EM
stops for each skill when its own log-likelihood improves by less than ``tol`` (relative), and
its random starts are drawn from a generator seeded by the random state, the start and the
skill's id. A skill's answers also keep their order in the packing whichever other skills are
packed with them, so its sums are added in the same order: a skill fitted with others or
alone gets the very same floating-point parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["EMSettings", "Packed", "SkillFit", "answers_of", "fit_skills", "forward"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

EPS = 1e-6
# Once the skills still improving hold less than this share of the answers packed for EM, they
# are packed again by themselves, so that settled skills cost nothing more. Packing costs about
# one EM step; at one half it is at most every other step (and far rarer: skills settle in
# waves).
REPACK_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class EMSettings:
    """The estimator's hyperparameters, as the fitting functions take them (picklable)."""

    forgetting: bool
    n_restarts: int
    max_iter: int
    tol: float
    max_guess: float
    max_slip: float
    random_state: int


@dataclass(frozen=True, slots=True)
class SkillFit:
    """The best parameters of each skill of a fit, in the order of its skill ids."""

    skills: IntArray
    params: FloatArray  # rows: prior, learn, guess, slip, forget; one column a skill
    log_likelihood: FloatArray  # of each skill's answers under its parameters
    n_iter: IntArray  # EM steps each skill took, over all starts


@dataclass(frozen=True)
class Packed:
    """Sequences of (learner, skill) packed time-major, longest first."""

    order: IntArray  # flat position -> row of the log
    offsets: IntArray  # offsets[t]: where step t's block starts; block t has n_active[t] entries
    n_active: IntArray
    seq_skill: IntArray  # skill index of each sequence (sorted, longest first)
    obs: FloatArray  # answer of each flat position
    flat_seq: IntArray  # sequence of each flat position

    @classmethod
    def build(cls, skill_idx: IntArray, learner: IntArray, correct: IntArray) -> Packed:
        n = len(correct)
        rows = np.lexsort(
            (np.arange(n), learner, skill_idx)
        )  # grouped by (skill, learner), in order
        s_sorted, l_sorted = skill_idx[rows], learner[rows]
        new_seq = np.ones(n, dtype=bool)
        new_seq[1:] = (s_sorted[1:] != s_sorted[:-1]) | (l_sorted[1:] != l_sorted[:-1])
        starts = np.flatnonzero(new_seq)
        lengths = np.diff(np.append(starts, n))
        seq_of_row = np.cumsum(new_seq) - 1
        pos = np.arange(n) - starts[seq_of_row]
        by_length = np.argsort(-lengths, kind="stable")
        rank = np.empty_like(by_length)
        rank[by_length] = np.arange(len(by_length))
        t_max = int(lengths.max()) if n else 0
        # sequences still running at step t: all of them minus those of length <= t
        n_active = (len(lengths) - np.cumsum(np.bincount(lengths, minlength=t_max + 1)))[
            :t_max
        ].astype(np.int64)
        offsets = np.concatenate(([0], np.cumsum(n_active)))[:-1].astype(np.int64)
        flat = offsets[pos] + rank[seq_of_row]
        order = np.empty(n, dtype=np.int64)
        order[flat] = rows
        return cls(
            order=order,
            offsets=offsets,
            n_active=n_active,
            seq_skill=s_sorted[starts][by_length],
            obs=correct[order].astype(np.float64),
            flat_seq=np.concatenate([np.arange(m, dtype=np.int64) for m in n_active])
            if t_max
            else np.zeros(0, dtype=np.int64),
        )


def forward(
    p: Packed, params: FloatArray, chance: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Scaled forward pass over every position at once, step by step in time.

    Returns, per flat position: the filtered P(known) after the answer (alpha), the normaliser
    c = P(answer | earlier answers), and the emission probabilities given known / unknown.
    ``chance``, if given, is filled with P(correct | earlier answers), worked out as such rather
    than as 1 - c after a wrong answer (which rounds differently)."""
    flat_skill = p.seq_skill[p.flat_seq]
    guess, slip = params[2][flat_skill], params[3][flat_skill]
    e1 = np.where(p.obs > 0, 1.0 - slip, slip)
    e0 = np.where(p.obs > 0, guess, 1.0 - guess)
    prior, learn, forget = (
        params[0][p.seq_skill],
        params[1][p.seq_skill],
        params[4][p.seq_skill],
    )
    alpha = np.empty(len(p.obs))
    c = np.empty(len(p.obs))
    known = prior
    for t, n in enumerate(p.n_active):
        block = slice(p.offsets[t], p.offsets[t] + n)
        if t > 0:
            prev = known[:n]
            known = prev * (1.0 - forget[:n]) + (1.0 - prev) * learn[:n]
        if chance is not None:
            chance[block] = known * (1.0 - slip[block]) + (1.0 - known) * guess[block]
        a1 = known * e1[block]
        ct = a1 + (1.0 - known) * e0[block]
        known = a1 / ct
        alpha[block] = known
        c[block] = ct
    return alpha, c, e1, e0


def _log_likelihood(p: Packed, c: FloatArray, k: int) -> FloatArray:
    return np.bincount(p.seq_skill[p.flat_seq], weights=np.log(c), minlength=k).astype(np.float64)


def _em_step(
    p: Packed, params: FloatArray, k: int, settings: EMSettings
) -> tuple[FloatArray, FloatArray]:
    alpha, c, e1, e0 = forward(p, params)
    learn, forget = params[1][p.seq_skill], params[4][p.seq_skill]
    size = len(p.obs)
    gamma1 = np.empty(size)
    x01 = np.zeros(size)  # expected unknown -> known transitions out of each position
    x0 = np.zeros(size)  # expected "unknown, with a next step" at each position
    x10 = np.zeros(size)
    x1 = np.zeros(size)
    last = len(p.n_active) - 1
    beta1 = beta0 = np.ones(0)
    for t in range(last, -1, -1):
        n = p.n_active[t]
        block = slice(p.offsets[t], p.offsets[t] + n)
        a = alpha[block]
        m = p.n_active[t + 1] if t < last else 0
        b1 = np.ones(n)
        b0 = np.ones(n)
        if m:
            nxt = slice(p.offsets[t + 1], p.offsets[t + 1] + m)
            big1 = e1[nxt] * beta1 / c[nxt]
            big0 = e0[nxt] * beta0 / c[nxt]
            lm, fm, am = learn[:m], forget[:m], a[:m]
            b1[:m] = (1.0 - fm) * big1 + fm * big0
            b0[:m] = lm * big1 + (1.0 - lm) * big0
            head = slice(p.offsets[t], p.offsets[t] + m)
            x01[head] = (1.0 - am) * lm * big1
            x0[head] = (1.0 - am) * b0[:m]
            x10[head] = am * fm * big0
            x1[head] = am * b1[:m]
        g = a * b1
        gamma1[block] = g / (g + (1.0 - a) * b0)
        beta1, beta0 = b1, b0
    skill = p.seq_skill[p.flat_seq]
    first = slice(0, p.n_active[0])

    def total(weights: FloatArray, where: slice | None = None) -> FloatArray:
        if where is None:
            return np.bincount(skill, weights=weights, minlength=k).astype(np.float64)
        return np.bincount(skill[where], weights=weights[where], minlength=k).astype(np.float64)

    g1 = total(gamma1)
    g0 = total(1.0 - gamma1)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimates = [
            total(gamma1, first) / np.bincount(skill[first], minlength=k),
            total(x01) / total(x0),
            total((1.0 - gamma1) * p.obs) / g0,
            total(gamma1 * (1.0 - p.obs)) / g1,
            total(x10) / total(x1) if settings.forgetting else np.zeros(k),
        ]
    new = params.copy()
    for i, est in enumerate(estimates):
        new[i] = np.where(np.isfinite(est), est, params[i])
    new[0] = np.clip(new[0], EPS, 1 - EPS)
    new[1] = np.clip(new[1], EPS, 1 - EPS)
    new[2] = np.clip(new[2], EPS, settings.max_guess)
    new[3] = np.clip(new[3], EPS, settings.max_slip)
    new[4] = np.clip(new[4], 0.0, 1 - EPS) if settings.forgetting else 0.0
    return new, _log_likelihood(p, c, k)


def _starts(settings: EMSettings, skills: IntArray, restart: int) -> FloatArray:
    """Where EM starts for each skill: a conventional start first (low prior, modest learning,
    typical noise), then random ones drawn for each skill from its own seed."""
    k = len(skills)
    if restart == 0:
        return np.array([[0.3], [0.1], [0.15], [0.1], [0.0]]) * np.ones((5, k))
    params = np.empty((5, k))
    for j, skill in enumerate(skills.tolist()):
        rng = np.random.default_rng([settings.random_state, restart, skill % 2**63])
        params[:, j] = [
            rng.uniform(0.05, 0.8),
            rng.uniform(0.02, 0.4),
            rng.uniform(0.02, settings.max_guess),
            rng.uniform(0.02, settings.max_slip),
            rng.uniform(0.0, 0.1) if settings.forgetting else 0.0,
        ]
    return params


def answers_of(
    members: IntArray, skill_idx: IntArray, learner: IntArray, correct: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """The answers on the skills at positions ``members`` (sorted): each one's position among
    them, its learner and its outcome, in the log's order."""
    rows = np.isin(skill_idx, members)
    local = np.zeros(int(skill_idx.max(initial=-1)) + 1, dtype=np.int64)
    local[members] = np.arange(len(members))
    return local[skill_idx[rows]], learner[rows], correct[rows]


def fit_skills(
    settings: EMSettings, skills: IntArray, skill_idx: IntArray, learner: IntArray,
    correct: IntArray,
) -> SkillFit:  # fmt: skip
    """Fit every skill of a log by EM with restarts. ``skills``: the skill ids, sorted;
    ``skill_idx``: each answer's position in ``skills``."""
    packed = Packed.build(skill_idx, learner, correct)
    k = len(skills)
    answers = np.bincount(skill_idx, minlength=k)
    best_ll = np.full(k, -np.inf)
    best = np.zeros((5, k))
    steps = np.zeros(k, dtype=np.int64)
    for restart in range(max(1, settings.n_restarts)):
        params = _starts(settings, skills, restart)
        prev = np.full(k, -np.inf)
        improving = np.ones(k, dtype=bool)
        members, now = np.arange(k), packed  # the skills packed in ``now``
        for _ in range(settings.max_iter):
            new, ll = _em_step(now, params[:, members], len(members), settings)
            run = improving[members]
            ids = members[run]
            steps[ids] += 1
            settled = ll[run] - prev[ids] < settings.tol * np.maximum(1.0, np.abs(ll[run]))
            params[:, ids] = new[:, run]  # a skill that settles keeps its last step, too
            prev[ids] = ll[run]
            improving[ids[settled]] = False
            running = np.flatnonzero(improving)
            if not len(running):
                break
            if answers[running].sum() < REPACK_SHARE * answers[members].sum():
                # most answers are done with: pack the rest
                now = Packed.build(*answers_of(running, skill_idx, learner, correct))
                members = running
        final = _log_likelihood(packed, forward(packed, params)[1], k)
        better = final > best_ll
        best[:, better] = params[:, better]
        best_ll[better] = final[better]
    return SkillFit(skills, best, best_ll, steps)
