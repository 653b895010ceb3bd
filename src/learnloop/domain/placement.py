"""The placement diagnostic on a course: which question comes next, and where it places the
learner, rebuilt from the answers so far (the database keeps only the answers).

Each objective's guess and slip come from its BKT parameters in course.yaml. The question on an
objective is its first item, in course order, that tests that objective alone and was not asked
yet (then any item that tests it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from learnloop.domain.course import Course, Item
from learnloop.engine.placement import (
    KnowledgeStates,
    PlacementResult,
    PlacementTest,
    TooManyStates,
)

__all__ = [
    "PLACEMENT_CONFIDENCE",
    "PLACEMENT_QUESTION_SHARE",
    "DiagnosticState",
    "diagnostic",
    "offers_placement",
]

# Stop once every objective is known or not known with 95% confidence: an objective wrongly
# placed as known is skipped, so the bar is high.
PLACEMENT_CONFIDENCE = 0.95
# And never ask more than 40% as many questions as the course has objectives (at least 3): the
# diagnostic must be much shorter than a test of every objective (issue 5's simulation target).
PLACEMENT_QUESTION_SHARE = 0.4


def _states(course: Course) -> KnowledgeStates | None:
    try:
        return KnowledgeStates.of(course.graph)
    except TooManyStates:
        return None


def offers_placement(course: Course) -> bool:
    """False for a course whose graph is too wide to enumerate its knowledge states."""
    return _states(course) is not None


def _question(course: Course, objective: str, asked: set[str]) -> Item | None:
    items = [i for i in course.items.values() if objective in i.objectives and i.key not in asked]
    alone = [i for i in items if i.objectives == (objective,)]
    found = alone or items
    return found[0] if found else None


class DiagnosticState:
    def __init__(self, test: PlacementTest, next_item: Item | None, next_objective: str | None):
        self.test = test
        self.next_item = next_item
        self.next_objective = next_objective

    @property
    def done(self) -> bool:
        return self.next_item is None

    def result(self) -> PlacementResult:
        return self.test.result()


def diagnostic(course: Course, answers: Sequence[Sequence[object]]) -> DiagnosticState:
    """The diagnostic after ``answers`` ([objective, item, correct] each)."""
    states = _states(course)
    if states is None:
        raise TooManyStates("this course's objective graph is too wide for a placement diagnostic")
    n = len(course.objectives)
    # The prior over states: each objective known with its course.yaml prior (BKT's P(L0)),
    # independently, kept to the states the graph allows. A uniform prior over states would
    # favour the many middle-sized states and place a learner who knows nothing as knowing the
    # first objectives before a single question about them.
    p0 = np.array([course.objectives[k].bkt.prior for k in states.objectives])
    p0 = np.clip(p0, 0.01, 0.99)
    known = states.matrix
    log_prior = (np.where(known, np.log(p0), np.log(1 - p0))).sum(axis=1)
    prior = np.exp(log_prior - log_prior.max())
    test = PlacementTest(
        states,
        guess={k: o.bkt.guess for k, o in course.objectives.items()},
        slip={k: o.bkt.slip for k, o in course.objectives.items()},
        confidence=PLACEMENT_CONFIDENCE,
        max_questions=max(3, int(PLACEMENT_QUESTION_SHARE * n)),
        max_per_objective=1,
        prior=prior,
    )
    asked: set[str] = set()
    for objective, item, correct in answers:
        test.record(str(objective), bool(correct))
        asked.add(str(item))
    objective = test.next_objective()
    while objective is not None:
        item = _question(course, objective, asked)
        if item is not None:
            return DiagnosticState(test, item, objective)
        test.asked[objective] = test.max_per_objective  # nothing left to ask about it
        objective = test.next_objective()
    return DiagnosticState(test, None, None)
