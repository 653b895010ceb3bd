"""The courses a learner may follow, and their goal in each.

A learner follows one course at a time (``LearnerProfile.course_id``). A learner in classes may
follow the courses of their classes, and any course they already started (before joining a
class, or in a class they have since left: what they did there stays theirs); a learner in no
class chooses among every course on the platform, as at onboarding."""

from __future__ import annotations

from sqlalchemy import BindParameter, Integer, Select, bindparam, exists, select
from sqlalchemy.orm import Session

from learnloop.domain import Role
from learnloop.storage.tables import Attempt, ClassMember, LearnerCourse, Placement, SchoolClass
from learnloop.storage.tables import Course as CourseRow

__all__ = [
    "course_goal", "courses_of_classes", "followable_courses", "in_a_class", "practised_or_placed",
]  # fmt: skip


def course_goal(s: Session, user_id: int, course_id: int | None) -> LearnerCourse | None:
    """The learner's row for a course they started (their goal in it), or None."""
    if course_id is None:
        return None
    return s.get(LearnerCourse, (user_id, course_id))


def practised_or_placed(s: Session, user_id: int, course_id: int) -> bool:
    """Whether the learner has answered in the course or taken its placement diagnostic: the
    diagnostic is for the start of a course, before either."""
    practised = s.scalar(
        select(Attempt.id)
        .where(Attempt.user_id == user_id, Attempt.course_id == course_id)
        .limit(1)
    )
    if practised is not None:
        return True
    placed = s.scalar(
        select(Placement.id)
        .where(Placement.user_id == user_id, Placement.course_id == course_id)
        .limit(1)
    )
    return placed is not None


def in_a_class(s: Session, user_id: int) -> bool:
    """Whether the learner is in any class (classes then choose their courses)."""
    return (
        s.scalar(
            select(ClassMember.class_id)
            .where(ClassMember.user_id == user_id, ClassMember.role == Role.LEARNER.value)
            .limit(1)
        )
        is not None
    )


def courses_of_classes(user_id: int | BindParameter[int]) -> Select[int]:
    """The ids of the courses of the learner's classes, as a subquery."""
    return (
        select(SchoolClass.course_id)
        .join(ClassMember, ClassMember.class_id == SchoolClass.id)
        .where(ClassMember.user_id == user_id, ClassMember.role == Role.LEARNER.value)
    )


# Built once, with the learner as a parameter: the home asks on every visit, and building the
# statement anew each time cost about 0.3 ms of the page (in process, SQLite), ten times the query.
_LEARNER: BindParameter[int] = bindparam("learner", type_=Integer)
_FOLLOWABLE = (
    select(CourseRow.id, CourseRow.title)
    .where(
        ~exists().where(ClassMember.user_id == _LEARNER, ClassMember.role == Role.LEARNER.value)
        | CourseRow.id.in_(courses_of_classes(_LEARNER))
        | CourseRow.id.in_(select(LearnerCourse.course_id).where(LearnerCourse.user_id == _LEARNER))
    )
    .order_by(CourseRow.title, CourseRow.id)
)


def followable_courses(s: Session, user_id: int) -> list[tuple[int, str]]:
    """(id, title) of every course the learner may follow, by title (one query)."""
    return [(row.id, row.title) for row in s.execute(_FOLLOWABLE, {"learner": user_id})]
