"""The courses a learner may follow, each with how far they are in it and what waits for them
there: a learner in classes on several courses sees the assignments and reviews of the courses
they are not following at the moment, and switches to one (``services.onboarding``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.domain import Role, Viewer
from learnloop.reports.assignments import AssignmentView, learner_assignments_in
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import course_by_id
from learnloop.storage.learner_courses import courses_of_classes, followable_courses
from learnloop.storage.tables import (
    ClassMember,
    LearnerCourse,
    LearnerProfile,
    Mastery,
    MemoryCard,
    SchoolClass,
)
from learnloop.storage.tables import Course as CourseRow

__all__ = [
    "CourseAssignment", "CourseChoice", "class_courses", "course_choices", "my_courses",
    "open_assignments_everywhere",
    "waiting_elsewhere",
]  # fmt: skip


@dataclass(frozen=True)
class CourseChoice:
    course_id: int
    title: str
    current: bool  # the course they follow now
    started: bool  # onboarding asked their goal in it
    classes: tuple[str, ...]  # the learner's classes on it, by name
    mastered: int  # objectives mastered
    objectives: int
    open_assignments: int  # not done yet
    overdue: int  # of those, past their due day
    reviews_due: int  # mastered objectives due for review

    @property
    def waiting(self) -> bool:
        """Something waits for the learner in this course."""
        return bool(self.open_assignments or self.reviews_due)


@dataclass(frozen=True)
class CourseAssignment:
    """An open assignment, with the course it is in."""

    course_id: int
    course_title: str
    assignment: AssignmentView

    @property
    def link(self) -> str:
        """Its activity's address in its course, whichever course the learner follows when the
        link is opened (web.pages.courses)."""
        return f"/learn/courses/{self.course_id}/activities/{self.assignment.activity_key}"


def class_courses(s: Session, user_id: int) -> list[tuple[int, str]]:
    """(id, title) of the courses of the learner's classes, by title."""
    query = (
        select(CourseRow.id, CourseRow.title)
        .where(CourseRow.id.in_(courses_of_classes(user_id)))
        .order_by(CourseRow.title, CourseRow.id)
    )
    return [(row.id, row.title) for row in s.execute(query)]


def open_assignments_everywhere(
    s: Session, viewer: Viewer, courses: list[tuple[int, str]] | None = None
) -> list[CourseAssignment]:
    """In the caller's read: the learner's assignments not yet done, in every class they are in
    (``courses``: their ``class_courses`` when already read), course by course, each course's in
    its own order (the soonest due first)."""
    out: list[CourseAssignment] = []
    for course_id, title in class_courses(s, viewer.user_id) if courses is None else courses:
        course = course_by_id(s, course_id)
        out.extend(
            CourseAssignment(course_id, title, a)
            for a in learner_assignments_in(s, viewer, course_id, course)
            if not a.done
        )
    return out


def _mastered(s: Session, user_id: int) -> dict[int, int]:
    query = (
        select(Mastery.course_id, func.count())
        .where(Mastery.user_id == user_id, Mastery.mastered.is_(True))
        .group_by(Mastery.course_id)
    )
    return {course: count for course, count in s.execute(query)}  # noqa: C416 (rows, not pairs)


def _reviews_due(s: Session, user_id: int, now: datetime) -> dict[int, int]:
    query = (
        select(MemoryCard.course_id, func.count())
        .where(
            MemoryCard.user_id == user_id,
            MemoryCard.due <= now,
            MemoryCard.needs_practice.is_(False),
        )
        .group_by(MemoryCard.course_id)
    )
    return {course: count for course, count in s.execute(query)}  # noqa: C416 (rows, not pairs)


def _class_names(s: Session, user_id: int) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = s.execute(
        select(SchoolClass.course_id, SchoolClass.name)
        .join(ClassMember, ClassMember.class_id == SchoolClass.id)
        .where(ClassMember.user_id == user_id, ClassMember.role == Role.LEARNER.value)
        .order_by(SchoolClass.name)
    )
    for course_id, name in rows:
        names.setdefault(course_id, []).append(name)
    return names


def _open(assignments: Iterable[AssignmentView], today: datetime) -> tuple[int, int]:
    waiting = [a for a in assignments if not a.done]
    return len(waiting), sum(a.overdue(today.date()) for a in waiting)


def my_courses(db: Database, viewer: Viewer, now: datetime | None = None) -> list[CourseChoice]:
    """Every course the learner may follow (``storage.learner_courses``), the one they follow
    first, then by title."""
    require_learner(viewer)
    with db.reading() as s:
        profile = s.get(LearnerProfile, viewer.user_id)
        current = profile.course_id if profile else None
        return course_choices(s, viewer, current, now or datetime.now(UTC))


def course_choices(
    s: Session, viewer: Viewer, current: int | None, now: datetime, *, only_several: bool = False
) -> list[CourseChoice]:
    """``my_courses`` in the caller's read, ``current`` being the course followed; with
    ``only_several``, nothing for a learner with one course (the home asks on every visit: one
    course then costs two queries, not a dozen)."""
    courses = followable_courses(s, viewer.user_id)
    if current is not None and current not in {c for c, _ in courses}:
        courses.append((current, course_by_id(s, current).title))
    if only_several and len(courses) < 2:
        return []
    started = set(
        s.scalars(select(LearnerCourse.course_id).where(LearnerCourse.user_id == viewer.user_id))
    )
    mastered = _mastered(s, viewer.user_id)
    due = _reviews_due(s, viewer.user_id, now)
    classes = _class_names(s, viewer.user_id)
    out = []
    for course_id, title in courses:
        course = course_by_id(s, course_id)
        open_, overdue = (
            _open(learner_assignments_in(s, viewer, course_id, course), now)
            if course_id in classes
            else (0, 0)
        )
        out.append(
            CourseChoice(
                course_id, title, course_id == current, course_id in started,
                tuple(classes.get(course_id, ())), mastered.get(course_id, 0),
                len(course.objectives), open_, overdue, due.get(course_id, 0),
            )
        )  # fmt: skip
    out.sort(key=lambda c: (not c.current, c.title.casefold()))
    return out


def waiting_elsewhere(choices: Iterable[CourseChoice]) -> list[CourseChoice]:
    """The courses other than the one followed where something waits: what the home mentions."""
    return [c for c in choices if not c.current and c.waiting]
