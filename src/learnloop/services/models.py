"""The course's learner model: which one runs, and fitting it on the course's own answers.

``storage.course_store.course_model`` reads the fitted model (if any, and adopted) for the kind
the course chose; every answer goes through it (``services.learning.record_attempt``).
``fit_course_model`` fits the chosen kind on the course's counted answers once there are enough,
checks it on held-out learners against the authors' BKT, and stores it as JSON, adopted only when
it predicts them at least as well; the fit itself runs outside any transaction.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from learnloop.domain import Course
from learnloop.domain.learner_model import (
    MIN_ANSWERS_TO_FIT,
    MIN_LEARNERS_TO_FIT_OBJECTIVE,
    authors_bkt,
)
from learnloop.engine import BayesianKnowledgeTracing, ResponseLog
from learnloop.engine.logistic_kt import LogisticKnowledgeTracing
from learnloop.engine.metrics import auc
from learnloop.engine.model_codec import model_to_json
from learnloop.engine.models import fit_model
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Attempt, CourseLearnerModel

__all__ = [
    "MIN_ANSWERS_TO_FIT",
    "MIN_LEARNERS_TO_FIT_OBJECTIVE",
    "ModelFit",
    "fit_course_model",
    "held_out_learners",
]

_HELD_OUT = 0.2  # share of learners kept out of the fit to check it


@dataclass(frozen=True, slots=True)
class ModelFit:
    kind: str
    answers: int
    fitted: bool
    auc: float | None  # on held-out learners, of the model refitted without them
    # BKT: how many of the course's objectives have parameters from the answers (the others keep
    # the authors'), and of how many
    objectives_fitted: tuple[int, int] | None = None
    baseline_auc: float | None = None  # the authors' BKT on the same held-out learners
    adopted: bool = False  # fitted, and at least as good as the authors' BKT: the course uses it


def held_out_learners(course_id: int, learners: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The learners (of ``learners``, sorted ids) kept out of the check fit: about _HELD_OUT of
    them, drawn from a stream seeded by the course, so a night's check is repeatable."""
    return learners[np.random.default_rng(course_id).random(len(learners)) < _HELD_OUT]


def _log(course: Course, rows: list[tuple[int, str, bool]]) -> ResponseLog:
    skill = {k: i for i, k in enumerate(course.objectives)}
    item_index = {k: i for i, k in enumerate(course.items)}
    learner, skills, items, correct = [], [], [], []
    for user_id, item, right in rows:
        if item not in course.items:
            continue  # an item the course no longer has
        for objective in course.items[item].objectives:
            learner.append(user_id)
            skills.append(skill[objective])
            items.append(item_index[item])
            correct.append(int(right))
    return ResponseLog.from_columns(learner, skills, correct, item=items)


def _authors_where_thin(
    fitted: BayesianKnowledgeTracing, course: Course, log: ResponseLog
) -> tuple[BayesianKnowledgeTracing, tuple[int, int]]:
    """BKT with the fitted parameters of each objective that at least
    MIN_LEARNERS_TO_FIT_OBJECTIVE learners answered, and the authors' for the rest (an objective
    nobody answered included, which the fit alone would give the median of the others); and how
    many objectives are fitted."""
    model = authors_bkt(course)
    learners = np.zeros(len(course.objectives), dtype=np.int64)
    answered = np.unique(np.column_stack([log.skill, log.learner]), axis=0)[:, 0]
    np.add.at(learners, answered, 1)
    fitted_here = np.zeros(len(learners), dtype=bool)
    fitted_here[fitted.skills_] = True
    use = fitted_here & (learners >= MIN_LEARNERS_TO_FIT_OBJECTIVE)
    at = np.searchsorted(fitted.skills_, np.flatnonzero(use))
    for name in ("prior_", "learn_", "guess_", "slip_", "forget_"):
        values = getattr(model, name).astype(float)
        values[use] = getattr(fitted, name)[at]
        setattr(model, name, values)
    model.forgetting = fitted.forgetting
    return model, (int(use.sum()), len(use))


def _fit(
    kind: str, course: Course, log: ResponseLog, executor: Executor | None, parts: int
) -> tuple[BayesianKnowledgeTracing | LogisticKnowledgeTracing, tuple[int, int] | None]:
    model = fit_model(_new(kind), log, executor=executor, parts=parts)
    if isinstance(model, BayesianKnowledgeTracing):
        return _authors_where_thin(model, course, log)
    return model, None  # the logistic kinds shrink thin objectives' weights to 0 themselves


def _new(kind: str) -> BayesianKnowledgeTracing | LogisticKnowledgeTracing:
    if kind == "bkt":
        return BayesianKnowledgeTracing(n_restarts=3)
    return LogisticKnowledgeTracing(features=kind)


def fit_course_model(
    db: Database, course_id: int, now: datetime, *, executor: Executor | None = None,
    parts: int = 0,
) -> ModelFit:  # fmt: skip
    """Fit the kind the course chose on its counted answers (each learner's in order). With an
    ``executor``, BKT fits its objectives in ``parts`` groups side by side on it (the same
    parameters, sooner for a large course)."""
    # Read, fit, then write: the fit runs in no transaction, so that on SQLite it holds no write
    # lock while it works (a large course's fit takes seconds, and every learner's answer waits
    # for the lock). The model stored is the one fitted on the answers read.
    with db.reading() as s:
        course = course_by_id(s, course_id)
        rows = [
            (u, i, bool(c))
            for u, i, c in s.execute(
                select(Attempt.user_id, Attempt.item_key, Attempt.correct)
                .where(Attempt.course_id == course_id, Attempt.counted.is_(True))
                .order_by(Attempt.user_id, Attempt.id)
            )
        ]
    kind = course.model_kind
    if len(rows) < MIN_ANSWERS_TO_FIT:
        return ModelFit(kind, len(rows), False, None)
    log = _log(course, rows)
    test = np.isin(log.learner, held_out_learners(course_id, np.unique(log.learner)))
    score = baseline = None
    y = log.correct[test]
    if (~test).any() and 0 < y.sum() < len(y):
        check, _ = _fit(kind, course, log.take(~test), executor, parts)
        score = auc(y, check.predict_proba(log.take(test)))
        baseline = auc(y, authors_bkt(course).predict_proba(log.take(test)))
    # Used only when it predicts the held-out learners at least as well as the authors' BKT
    # (which saw none of the data): a fit on too few or too unlike learners can do worse.
    adopted = score is None or baseline is None or score >= baseline
    model, objectives = _fit(kind, course, log, executor, parts)
    with db.transaction() as s:
        if course_by_id(s, course_id).model_kind != kind:  # the course changed its mind meanwhile
            return ModelFit(kind, len(rows), False, None)
        row = s.get(CourseLearnerModel, course_id)
        if row is None:
            row = CourseLearnerModel(course_id=course_id)
            s.add(row)
        row.kind, row.model, row.answers = kind, model_to_json(model), len(rows)
        row.auc, row.baseline_auc, row.adopted, row.fitted_at = score, baseline, adopted, now
        row.objectives_fitted = objectives[0] if objectives else None
    return ModelFit(kind, len(rows), True, score, objectives, baseline, adopted)
