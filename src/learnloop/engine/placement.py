"""The placement diagnostic: where a new learner stands in the objective graph, from few answers.

Knowledge space theory (Doignon & Falmagne 1985, "Spaces for the assessment of knowledge"; the
idea behind ALEKS): a learner's knowledge state is a set of objectives closed under
prerequisites (whoever knows an objective knows its prerequisites), so the candidate states are
the graph's down-sets, far fewer than all subsets. The diagnostic keeps a probability over those
states and updates it by Bayes on each answer, with the objective's guess and slip chances:

    P(right | state) = 1 - slip   if the objective is in the state,   guess   otherwise.

An answer on an advanced objective is therefore evidence about all of its prerequisites. Each
next question goes to the objective whose answer is expected to lower the entropy of the state
distribution most (the most expected information), and the test stops once every objective is
classified with the confidence asked for, or at the question limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from learnloop.engine.skill_graph import SkillGraph

__all__ = [
    "KnowledgeStates",
    "PlacementResult",
    "PlacementTest",
    "simulate_placement",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# A course graph whose down-sets outnumber this is too wide to enumerate; the diagnostic is
# then not offered (a 12-objective course has tens to hundreds of states; this allows ~25 wide
# objectives, and keeps each question's choice under ~50 ms).
MAX_STATES = 200_000


class TooManyStates(ValueError):
    """The graph has more knowledge states than the diagnostic enumerates."""


@dataclass(frozen=True)
class KnowledgeStates:
    """Every knowledge state of a graph, as rows of a (states x objectives) boolean matrix."""

    objectives: tuple[str, ...]
    matrix: BoolArray

    @classmethod
    def of(cls, graph: SkillGraph, limit: int = MAX_STATES) -> KnowledgeStates:
        order = graph.topological_order
        index = {k: i for i, k in enumerate(order)}
        prereq = [[index[p] for p in graph.prerequisites(k)] for k in order]
        states = np.zeros((1, len(order)), dtype=bool)
        for j, needs in enumerate(prereq):
            # objective j may join every state that holds all of its prerequisites
            can = states[:, needs].all(axis=1) if needs else np.ones(len(states), dtype=bool)
            grown = states[can].copy()
            grown[:, j] = True
            states = np.vstack([states, grown])
            if len(states) > limit:
                raise TooManyStates(
                    f"the objective graph has more than {limit} knowledge states; "
                    "the placement diagnostic cannot enumerate them"
                )
        return cls(tuple(order), states)

    def __len__(self) -> int:
        return len(self.matrix)


@dataclass(frozen=True, slots=True)
class PlacementResult:
    p_known: dict[str, float]  # the marginal chance that each objective is known
    known: tuple[str, ...]  # objectives placed as known (p >= 0.5), a down-set
    questions: int
    confident: bool  # stopped because every objective was classified with the confidence asked


def _entropy(p: FloatArray, axis: int = 0) -> FloatArray:
    q = np.where(p > 0, p, 1.0)
    out: FloatArray = -(p * np.log2(q)).sum(axis=axis)
    return out


class PlacementTest:
    """One learner's diagnostic in progress: ``next_objective``, ``record``, ``result``."""

    def __init__(
        self,
        states: KnowledgeStates,
        *,
        guess: Mapping[str, float],
        slip: Mapping[str, float],
        confidence: float = 0.9,
        max_questions: int = 10,
        max_per_objective: int = 2,
        prior: FloatArray | None = None,
    ) -> None:
        self.states = states
        self.confidence = confidence
        self.max_questions = max_questions
        self.max_per_objective = max_per_objective
        objs = states.objectives
        self._guess = np.array([guess[k] for k in objs])
        self._slip = np.array([slip[k] for k in objs])
        known = states.matrix.astype(np.float64)
        self._p_right = known * (1.0 - self._slip) + (1.0 - known) * self._guess  # S x n
        post = np.ones(len(states)) if prior is None else np.asarray(prior, dtype=np.float64)
        self.posterior: FloatArray = post / post.sum()
        self.asked: dict[str, int] = {}
        self.answers: list[tuple[str, bool]] = []

    def marginals(self) -> FloatArray:
        out: FloatArray = self.posterior @ self.states.matrix
        return out

    def done(self) -> bool:
        if len(self.answers) >= self.max_questions:
            return True
        m = self.marginals()
        return bool(np.all((m >= self.confidence) | (m <= 1.0 - self.confidence)))

    def expected_information(self) -> FloatArray:
        """Bits the answer on each objective is expected to remove from the state entropy."""
        joint_right = self.posterior[:, None] * self._p_right  # S x n
        joint_wrong = self.posterior[:, None] - joint_right
        p_right = joint_right.sum(axis=0)
        p_wrong = 1.0 - p_right
        h_right = _entropy(joint_right / np.maximum(p_right, 1e-300))
        h_wrong = _entropy(joint_wrong / np.maximum(p_wrong, 1e-300))
        gain: FloatArray = _entropy(self.posterior) - (p_right * h_right + p_wrong * h_wrong)
        return gain

    def next_objective(self) -> str | None:
        """The objective to ask about next, or None when the diagnostic is done."""
        if self.done():
            return None
        gain = self.expected_information()
        for j, key in enumerate(self.states.objectives):
            if self.asked.get(key, 0) >= self.max_per_objective:
                gain[j] = -np.inf
        if not np.isfinite(gain.max()):
            return None
        return self.states.objectives[int(np.argmax(gain))]

    def record(self, objective: str, correct: bool) -> None:
        j = self.states.objectives.index(objective)
        lik = self._p_right[:, j] if correct else 1.0 - self._p_right[:, j]
        post = self.posterior * lik
        self.posterior = post / post.sum()
        self.asked[objective] = self.asked.get(objective, 0) + 1
        self.answers.append((objective, correct))

    def result(self) -> PlacementResult:
        m = self.marginals()
        # The most probable state consistent with the marginals: objectives at >= 0.5, closed
        # under prerequisites by construction (a prerequisite's marginal is never lower).
        known = tuple(k for k, p in zip(self.states.objectives, m, strict=True) if p >= 0.5)
        confident = bool(np.all((m >= self.confidence) | (m <= 1.0 - self.confidence)))
        return PlacementResult(
            {k: float(p) for k, p in zip(self.states.objectives, m, strict=True)},
            known,
            len(self.answers),
            confident,
        )


@dataclass(frozen=True)
class PlacementSimulation:
    objectives: int
    states: int
    accuracy: float  # share of (learner, objective) states classified right, with stopping
    mean_questions: float
    fixed_accuracy: float  # a fixed test asking every objective once, known when right
    adaptive_curve: list[float]  # accuracy after q = 0, 1, ... questions chosen adaptively
    fixed_order_curve: list[float]  # the same inference, questions in the course's order


def sample_states(
    graph: SkillGraph, learners: int, rng: np.random.Generator, objectives: Sequence[str]
) -> BoolArray:
    """True knowledge states that respect the graph, drawn by a process of learning rather than
    from the diagnostic's prior: each learner learned the first k objectives of a random order
    that respects prerequisites, k uniform from 0 to all."""
    index = {k: i for i, k in enumerate(objectives)}
    out = np.zeros((learners, len(objectives)), dtype=bool)
    for n in range(learners):
        k = int(rng.integers(0, len(objectives) + 1))
        learned: set[str] = set()
        while len(learned) < k:
            ready = [o for o in graph.ready(learned) if o not in learned]
            learned.add(ready[int(rng.integers(len(ready)))])
        out[n, [index[o] for o in learned]] = True
    return out


def _run(
    test: PlacementTest,
    truth: BoolArray,
    p_right: FloatArray,
    rng: np.random.Generator,
    order: Sequence[str] | None,
) -> list[int]:
    """Objectives classified right after each question (the first entry: before any)."""
    objs = test.states.objectives
    trace = [int(((test.marginals() >= 0.5) == truth).sum())]
    queue = list(order) if order is not None else None
    while True:
        if queue is not None:
            objective = queue.pop(0) if queue and not test.done() else None
        else:
            objective = test.next_objective()
        if objective is None:
            return trace
        test.record(objective, bool(rng.random() < p_right[objs.index(objective)]))
        trace.append(int(((test.marginals() >= 0.5) == truth).sum()))


def simulate_placement(
    graph: SkillGraph,
    *,
    guess: Mapping[str, float],
    slip: Mapping[str, float],
    learners: int,
    rng: np.random.Generator,
    confidence: float = 0.95,
    question_share: float = 0.4,
) -> PlacementSimulation:
    """The diagnostic (stopping at ``confidence`` or at ``question_share`` of the objectives),
    the fixed test, and accuracy curves over the number of questions, on the same simulated
    learners."""
    states = KnowledgeStates.of(graph)
    objs = states.objectives
    n = len(objs)
    truth = sample_states(graph, learners, rng, objs)
    g = np.array([guess[k] for k in objs])
    s = np.array([slip[k] for k in objs])
    limit = max(1, int(question_share * n))
    right = asked = fixed_right = 0
    curves = np.zeros((2, n + 1))
    for i in range(learners):
        p_right = np.where(truth[i], 1.0 - s, g)
        fixed_right += int(((rng.random(n) < p_right) == truth[i]).sum())

        def new(confidence: float, max_questions: int) -> PlacementTest:
            return PlacementTest(
                states,
                guess=guess,
                slip=slip,
                confidence=confidence,
                max_questions=max_questions,
                max_per_objective=1,
            )

        trace = _run(new(confidence, limit), truth[i], p_right, rng, None)
        right += trace[-1]
        asked += len(trace) - 1
        for c, order in enumerate((None, objs)):
            t = _run(new(1.0, n), truth[i], p_right, rng, order)
            curves[c] += [t[min(q, len(t) - 1)] for q in range(n + 1)]
    total = learners * n
    return PlacementSimulation(
        objectives=n,
        states=len(states),
        accuracy=right / total,
        mean_questions=asked / learners,
        fixed_accuracy=fixed_right / total,
        adaptive_curve=[float(v) / total for v in curves[0]],
        fixed_order_curve=[float(v) / total for v in curves[1]],
    )
