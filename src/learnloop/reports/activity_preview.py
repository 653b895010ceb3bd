"""The course's activities as a class's educator sees them before assigning one: the list, objective
by objective, with how many of the class each is open for; and one activity: what the learner reads,
each question with its answer key (the right choices, the number and its tolerance, the accepted
answers, the right order, the pairs), the anticipated wrong answers with their feedback and the
misconception each reveals, the hints and the worked solution, and for whom in the class it is still
locked (an activity opens once every prerequisite of its objectives is mastered, and an assignment
goes only to learners it is open for).

Learners never see this page: the answer key is the educator's.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select

from learnloop.domain import Activity, Course, Item, Modality, Objective, Viewer
from learnloop.exceptions import NotFound
from learnloop.reports.item_analysis import learners_query
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Mastery

__all__ = [
    "ActivityPreview",
    "ActivityRow",
    "ClassActivities",
    "activity_preview",
    "class_activities",
    "numeric_key",
]

# A numeric answer with no more decimals than this is shown as a decimal (0.75, 2.5); another is
# shown as a fraction when one with a denominator up to FRACTION_DENOMINATOR_MAX matches it exactly
# (a course's "5/12" is stored as 0.41666...): a teacher reads 5/12, not 0.416667.
DECIMALS_SHOWN = 3
FRACTION_DENOMINATOR_MAX = 100
# Within an objective, activities are listed as a lesson runs: read or watch, practise, then make.
MODALITY_ORDER = list(Modality)


def numeric_key(value: float) -> str:
    """A numeric item's answer as an author would have written it."""
    if round(value, DECIMALS_SHOWN) == value:
        return f"{value:g}"
    fraction = Fraction(value).limit_denominator(FRACTION_DENOMINATOR_MAX)
    if abs(float(fraction) - value) < 1e-9:
        return f"{fraction.numerator}/{fraction.denominator}"
    return f"{value:g}"


@dataclass(frozen=True)
class ActivityPreview:
    class_id: int
    class_name: str
    course: Course
    activity: Activity
    objectives: tuple[Objective, ...]
    items: tuple[Item, ...]  # in the activity's order
    learners: int  # in the class
    locked_for: tuple[str, ...]  # display names of the class's learners it is still locked for

    def misconception(self, key: str) -> str:
        """A misconception's title (its key when the course no longer names it)."""
        m = self.course.misconceptions.get(key)
        return m.title if m else key


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    open_for: int  # learners of the class it is unlocked for


@dataclass(frozen=True)
class ClassActivities:
    """The course's activities, objective by objective in prerequisite order, for a class."""

    class_id: int
    class_name: str
    course: Course
    learners: int
    objectives: tuple[tuple[Objective, tuple[ActivityRow, ...]], ...]


@dataclass(frozen=True)
class _ClassState:
    class_name: str
    course: Course
    learners: list[tuple[int, str]]  # (id, display name), by name
    mastered: dict[int, set[str]]  # objective keys each learner has mastered

    def locked(self, activity: Activity) -> list[str]:
        """Display names of the learners the activity is still locked for."""
        return [
            name
            for i, name in self.learners
            if any(
                not self.course.graph.is_unlocked(o, self.mastered[i]) for o in activity.objectives
            )
        ]


def _class_state(db: Database, viewer: Viewer, class_id: int) -> _ClassState:
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        learners = [(int(i), str(n)) for i, n in s.execute(learners_query(class_id))]
        mastered: dict[int, set[str]] = {i: set() for i, _ in learners}
        for user_id, objective in s.execute(
            select(Mastery.user_id, Mastery.objective_key).where(
                Mastery.user_id.in_(list(mastered)),
                Mastery.course_id == school_class.course_id,
                Mastery.mastered,
            )
        ):
            mastered[user_id].add(objective)
    return _ClassState(school_class.name, course, learners, mastered)


def activity_preview(db: Database, viewer: Viewer, class_id: int, key: str) -> ActivityPreview:
    """For the class's educators and admins; NotFound for an activity the course lacks."""
    state = _class_state(db, viewer, class_id)
    course = state.course
    activity = course.activities.get(key)
    if activity is None:
        raise NotFound("the course has no activity %(key)s", key=repr(key))
    return ActivityPreview(
        class_id=class_id,
        class_name=state.class_name,
        course=course,
        activity=activity,
        objectives=tuple(course.objectives[o] for o in activity.objectives),
        items=tuple(course.items[k] for k in activity.items),
        learners=len(state.learners),
        locked_for=tuple(state.locked(activity)),
    )


def class_activities(db: Database, viewer: Viewer, class_id: int) -> ClassActivities:
    """Every activity of the class's course under its first objective, objectives in
    prerequisite order (within one, by MODALITY_ORDER), with how many of the class's learners it
    is open for."""
    state = _class_state(db, viewer, class_id)
    course = state.course
    n = len(state.learners)
    rows = []
    for key in course.graph.topological_order:
        firsts = [a for a in course.activities_for(key) if a.objectives[0] == key]
        firsts.sort(key=lambda a: (MODALITY_ORDER.index(a.modality), a.title))
        mine = tuple(ActivityRow(a, n - len(state.locked(a))) for a in firsts)
        if mine:
            rows.append((course.objectives[key], mine))
    return ClassActivities(class_id, state.class_name, course, n, tuple(rows))
