"""A class's learning curves, one per objective (engine.learning_curves): does practice on each
objective reduce errors? Read-only; one query for the class's counted answers.

An answer to an item of several objectives is an opportunity on each of them. Only counted
answers are opportunities (an answer given after the worked solution was shown is no evidence).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from learnloop.config import PedagogySettings
from learnloop.domain import Viewer
from learnloop.domain.language import N_
from learnloop.engine.learning_curves import CurveKind, CurvePoint, classify_curve, learning_curve
from learnloop.reports.item_analysis import learners_query
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Attempt

__all__ = ["CURVE_ADVICE", "CURVE_NAMES", "ClassCurves", "ObjectiveCurve", "class_learning_curves"]

# What each category asks of the educator, in a sentence.
# In English; pages show them through the reader's catalog (``_(cv.advice)``).
CURVE_ADVICE = {
    CurveKind.GOOD: N_("errors fall with practice"),
    CurveKind.STILL_HIGH: N_(
        "errors fall, but many answers are still wrong: more practice or another way in (a "
        "different activity) may help"
    ),
    CurveKind.NO_LEARNING: N_(
        "errors do not fall with practice: check the items and how the objective is taught, or "
        "whether it hides two skills"
    ),
    CurveKind.LOW_AND_FLAT: N_(
        "few errors from the first answer: learners knew it already, and could move on sooner"
    ),
    CurveKind.TOO_LITTLE_DATA: N_("too few learners have practised it yet"),
}
# Each category's name, likewise.
CURVE_NAMES = {
    CurveKind.GOOD: N_("Good"),
    CurveKind.STILL_HIGH: N_("Still high"),
    CurveKind.NO_LEARNING: N_("No learning"),
    CurveKind.LOW_AND_FLAT: N_("Low and flat"),
    CurveKind.TOO_LITTLE_DATA: N_("Too little data"),
}


@dataclass(frozen=True)
class ObjectiveCurve:
    key: str
    title: str
    points: list[CurvePoint]
    kind: CurveKind
    advice: str
    learners: int  # who answered at least once


@dataclass(frozen=True)
class ClassCurves:
    class_id: int
    class_name: str
    horizon: int  # opportunities shown at most
    min_learners: int  # a point needs this many learners
    curves: list[ObjectiveCurve]  # in the course's order


def class_learning_curves(
    db: Database, viewer: Viewer, class_id: int, pedagogy: PedagogySettings
) -> ClassCurves:
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        learners = select(learners_query(class_id).subquery().c.id)
        rows = s.execute(
            select(Attempt.user_id, Attempt.item_key, Attempt.correct)
            .where(
                Attempt.course_id == school_class.course_id,
                Attempt.user_id.in_(learners),
                Attempt.counted,
            )
            .order_by(Attempt.user_id, Attempt.created_at, Attempt.id)
        ).all()
    outcomes: dict[str, dict[int, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for user_id, item_key, correct in rows:
        item = course.items.get(item_key)
        for objective in item.objectives if item is not None else ():
            outcomes[objective][user_id].append(bool(correct))
    horizon = pedagogy.stuck_min_attempts
    curves = []
    for key in course.graph.topological_order:
        sequences = list(outcomes.get(key, {}).values())
        points = learning_curve(
            sequences, horizon=horizon, min_learners=pedagogy.curve_min_learners
        )
        kind = classify_curve(
            points, low=pedagogy.curve_low_error, high=pedagogy.curve_high_error,
            min_drop=pedagogy.curve_min_drop,
        )  # fmt: skip
        curves.append(
            ObjectiveCurve(
                key, course.objectives[key].title, points, kind, CURVE_ADVICE[kind], len(sequences)
            )
        )
    return ClassCurves(class_id, school_class.name, horizon, pedagogy.curve_min_learners, curves)
