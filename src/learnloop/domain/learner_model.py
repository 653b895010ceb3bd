"""The learner model a course runs, behind the engine's one interface (``LearnerModel``:
``initial_state``, ``predict``, ``update``).

The course chooses the kind in course.yaml (``model.kind``: bkt, pfa, best-lr, best-lr+recency or
best-lr+patterns). Until the model
is fitted on the course's own answers (``services.models.fit_course_model``), the course runs BKT
with its authors' parameters; after, the fitted model of the chosen kind.

Skills are objectives (index in the course's objective order), items are items (index in the
course's item order). A learner's state comes from what the platform keeps per objective
(P(known) or the estimate, answers, right answers, the last outcomes) and, for the kinds with
recency, the learner's last counted answers, so no second copy of it is stored. What an
objective's mastery estimate means depends on the kind: BKT's P(known), or a count model's
predicted chance of a right answer on the objective's first question; the course's mastery
threshold applies to it either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from learnloop.domain.course import Course
from learnloop.engine.bkt import BayesianKnowledgeTracing
from learnloop.engine.logistic_kt import FEATURE_SETS, RECENT_OUTCOMES, LogisticKnowledgeTracing
from learnloop.engine.model_codec import bkt_from_parameters, model_from_json, state_from_counts

__all__ = [
    "MIN_ANSWERS_TO_FIT",
    "MIN_LEARNERS_TO_FIT_OBJECTIVE",
    "CourseModel",
    "authors_bkt",
    "with_outcome",
]

# A course's model is fitted once it has this many counted answers: with the demo course's 12
# objectives that is about 40 per objective, the least at which per-objective parameters stop
# swinging from one learner to the next (BKT's EM and the logistic weights alike).
MIN_ANSWERS_TO_FIT = 500
# ... and BKT's parameters of one objective are fitted only where this many learners have answered
# it: EM reads the prior from each learner's first answers and the learn rate from how they
# change, and from a handful of learners it lands on the edges (a prior of 0 or 1, a guess or
# slip of 0: the demo's last objectives, which 2 to 8 of its 30 learners reach, did). Below it
# the objective keeps its authors' parameters, as every objective does before the first fit.
MIN_LEARNERS_TO_FIT_OBJECTIVE = 10


def authors_bkt(course: Course) -> BayesianKnowledgeTracing:
    """BKT with the parameters the course's authors wrote for each objective: what a course
    runs before its first fit, and what a fit must predict at least as well to be used."""
    return bkt_from_parameters([o.bkt for o in course.objectives.values()])


class CourseModel:
    def __init__(self, course: Course, fitted: Mapping[str, Any] | None = None) -> None:
        self.course = course
        self._skill = {k: i for i, k in enumerate(course.objectives)}
        self._item = {k: i for i, k in enumerate(course.items)}
        self._probe = {
            k: next((i.key for i in course.items.values() if k in i.objectives), None)
            for k in course.objectives
        }
        self.model: BayesianKnowledgeTracing | LogisticKnowledgeTracing
        if fitted is not None and fitted.get("kind") == course.model_kind:
            self.model = model_from_json(fitted)
            self.fitted = True
        else:
            self.model = authors_bkt(course)
            self.fitted = False

    @property
    def kind(self) -> str:
        """What runs now: the chosen kind once fitted, else the authors' BKT."""
        return self.course.model_kind if self.fitted else "bkt"

    @property
    def estimates_p_known(self) -> bool:
        return isinstance(self.model, BayesianKnowledgeTracing)

    @property
    def uses_recent(self) -> bool:
        """Whether the model reads the last outcomes (so the caller should pass them)."""
        return isinstance(self.model, LogisticKnowledgeTracing) and (
            "recency" in FEATURE_SETS[self.model.features]
        )

    def state(
        self,
        rows: Mapping[str, tuple[float, int, int]],
        recent: Mapping[str, str] | None = None,
        overall: str = "",
    ) -> Any:
        """A learner's state from (estimate, counted answers, right answers) per objective, the
        last outcomes per objective (``recent``, as Mastery.recent keeps them) and the learner's
        last outcomes over the course (``overall``): "+" right, "-" wrong, the last one first."""
        return state_from_counts(
            self.model,
            {self._skill[k]: v for k, v in rows.items() if k in self._skill},
            {self._skill[k]: _signs(v) for k, v in (recent or {}).items() if k in self._skill},
            _signs(overall),
        )

    def update(self, state: Any, item: str, objective: str, correct: bool) -> Any:
        return self.model.update(state, self._item.get(item, -1), self._skill[objective], correct)

    def estimate(self, state: Any, objective: str) -> float:
        """The objective's mastery estimate: P(known) for BKT, else the predicted chance of a
        right answer on its first question."""
        skill = self._skill[objective]
        if isinstance(self.model, BayesianKnowledgeTracing):
            known: dict[int, float] = state
            return known.get(skill, self.model.params_for(skill).prior)
        return self.expected_success(state, objective)

    def expected_success(self, state: Any, objective: str) -> float:
        """The predicted chance of a right answer on the objective's first question."""
        probe = self._probe[objective]
        return self.model.predict(state, self._item.get(probe or "", -1), self._skill[objective])


def _signs(outcomes: str) -> list[int]:
    return [1 if c == "+" else -1 for c in outcomes]


def with_outcome(recent: str, correct: bool) -> str:
    """``recent`` (the last outcomes, the last one first) after one more answer."""
    return (("+" if correct else "-") + recent)[:RECENT_OUTCOMES]
