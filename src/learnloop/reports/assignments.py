"""Assignments as their readers see them: a learner, their own (open first, the soonest due
first); an educator, one learner of their class, or the whole class's, each act of assigning once
with who has done it. An assignment is done when the learner said so or has answered every item
of its activity since it was assigned; it is overdue when its due day has passed and it is not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain import Course, Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import (
    learner_record_scope,
    require_class_educator,
    require_learner,
)
from learnloop.storage.assignment_progress import (
    ActKey,
    act_key,
    answered_since_assigned,
    is_done,
)
from learnloop.storage.course_store import course_by_id, course_of_learner
from learnloop.storage.tables import Assignment, ClassMember, SchoolClass, User

__all__ = [
    "AssignmentView",
    "ClassAssignment",
    "ClassAssignments",
    "LearnerProgress",
    "assignments_for_me",
    "assignments_of_learner",
    "class_assignments",
    "learner_assignments_in",
    "my_assignments",
]


@dataclass(frozen=True)
class AssignmentView:
    id: int
    activity_key: str
    activity_title: str
    note: str
    educator: str
    assigned_at: datetime
    done: bool
    answered: int  # items of the activity answered since it was assigned
    items: int
    due_on: date | None = None  # the day it is due by, if the educator gave one

    def overdue(self, today: date) -> bool:
        """Past its due day and not done."""
        return not self.done and self.due_on is not None and self.due_on < today


def _order(done: bool, due_on: date | None, assigned_at: datetime) -> tuple[bool, int, date, float]:
    """Open first: those with a due day, the soonest first, then the others, newest first; done
    ones after, newest first."""
    if not done and due_on is not None:
        return (False, 0, due_on, 0.0)
    return (done, 1, date.min, -assigned_at.timestamp())


def _views(
    s: Session, rows: Sequence[tuple[Assignment, str | None]], course: Course
) -> list[AssignmentView]:
    answered = answered_since_assigned(s, [a for a, _ in rows], course)
    out = []
    for a, educator in rows:
        activity = course.activities.get(a.activity_key)
        if activity is None:  # the course no longer has it
            continue
        out.append(
            AssignmentView(
                a.id, a.activity_key, activity.title, a.note, educator or "a former educator",
                a.created_at, is_done(a, answered, course), answered.get(a.id, 0),
                len(activity.items), a.due_on,
            )
        )  # fmt: skip
    out.sort(key=lambda v: _order(v.done, v.due_on, v.assigned_at))
    return out


def _query(learner_id: int) -> Select[Assignment, str]:
    educator = aliased(User)
    return (
        select(Assignment, educator.display_name)
        .outerjoin(educator, educator.id == Assignment.educator_id)
        .where(Assignment.learner_id == learner_id)
        .order_by(Assignment.created_at.desc())
    )


def learner_assignments_in(
    s: Session, viewer: Viewer, course_id: int, course: Course, open_of: str | None = None
) -> list[AssignmentView]:
    """In the caller's read: the learner's assignments in their running classes on ``course_id``; with
    ``open_of``, only those of that activity not yet said done (asked on every activity page)."""
    query = _query(viewer.user_id).where(
        Assignment.class_id.in_(
            select(SchoolClass.id)
            .join(ClassMember, ClassMember.class_id == SchoolClass.id)
            .where(
                SchoolClass.course_id == course_id,
                ClassMember.user_id == viewer.user_id,
                SchoolClass.ended_at.is_(None),  # an ended class's work is over
            )
        )
    )
    if open_of is not None:
        query = query.where(Assignment.activity_key == open_of, Assignment.done_at.is_(None))
    return _views(s, [(a, n) for a, n in s.execute(query)], course)


def my_assignments(
    db: Database, viewer: Viewer, course_id: int, course: Course
) -> list[AssignmentView]:
    """The learner's assignments in their classes on ``course_id`` (not those of a class they
    have left: its educators no longer follow them)."""
    require_learner(viewer)
    with db.reading() as s:
        return learner_assignments_in(s, viewer, course_id, course)


def assignments_of_learner(
    db: Database, viewer: Viewer, class_id: int, learner_id: int
) -> list[AssignmentView]:
    with db.reading() as s:
        _, course = learner_record_scope(s, viewer, learner_id, class_id)
        query = _query(learner_id).where(Assignment.class_id == class_id)
        rows = [(a, n) for a, n in s.execute(query)]
        return _views(s, rows, course)


def assignments_for_me(db: Database, viewer: Viewer) -> list[AssignmentView]:
    """The learner's assignments in the course they follow."""
    require_learner(viewer)
    with db.reading() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        return learner_assignments_in(s, viewer, course_id, course)


@dataclass(frozen=True)
class LearnerProgress:
    learner_id: int
    display_name: str
    done: bool
    answered: int


@dataclass(frozen=True)
class ClassAssignment:
    """One act of assigning: an activity given to one or several learners at once."""

    id: int  # its first row's: the handle to change its due day or withdraw it by
    activity_key: str
    activity_title: str
    note: str
    educator: str
    assigned_at: datetime
    due_on: date | None
    items: int
    learners: tuple[LearnerProgress, ...]  # by display name
    whole_class: bool = False  # given to the whole class: newcomers get it while it is not due

    @property
    def done(self) -> int:
        return sum(p.done for p in self.learners)

    @property
    def waiting(self) -> tuple[LearnerProgress, ...]:
        """The learners who have not done it yet."""
        return tuple(p for p in self.learners if not p.done)

    def overdue(self, today: date) -> bool:
        """Past its due day with someone yet to do it."""
        return self.due_on is not None and self.due_on < today and bool(self.waiting)


@dataclass(frozen=True)
class ClassAssignments:
    class_id: int
    class_name: str
    assignments: list[ClassAssignment]  # open first (due soonest first), then done, newest first
    # what can be given: for each objective of the course, in its order, (its title, its activities'
    # (key, title)); an activity on several objectives is under the first
    activities: list[tuple[str, list[tuple[str, str]]]]
    ended_at: datetime | None = None  # the class has ended: nothing new is assigned in it


def class_assignments(db: Database, viewer: Viewer, class_id: int) -> ClassAssignments:
    """What the class's educators assigned to its learners, each act once with who has done it:
    for the class's educators and admins. Learners who left the class are not counted."""
    educator = aliased(User)
    learner = aliased(User)
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        rows = list(
            s.execute(
                select(Assignment, educator.display_name, learner.display_name)
                .join(learner, learner.id == Assignment.learner_id)
                .join(
                    ClassMember,
                    (ClassMember.user_id == Assignment.learner_id)
                    & (ClassMember.class_id == class_id)
                    & (ClassMember.role == Role.LEARNER.value),
                )
                .outerjoin(educator, educator.id == Assignment.educator_id)
                .where(Assignment.class_id == class_id)
                .order_by(learner.display_name, learner.id)
            )
        )
        kept = [(a, by, name) for a, by, name in rows if a.activity_key in course.activities]
        answered = answered_since_assigned(s, [a for a, _, _ in kept], course)
    # one act of assigning: its activity, time, educator, note and due day; who made it, and to whom
    acts: dict[ActKey, tuple[str | None, list[tuple[Assignment, str]]]] = {}
    for a, by, name in kept:
        acts.setdefault(act_key(a), (by, []))[1].append((a, name))
    out = []
    for (activity_key, assigned_at, _, note, due_on), (made_by, members) in acts.items():
        activity = course.activities[activity_key]
        out.append(
            ClassAssignment(
                min(a.id for a, _ in members), activity_key, activity.title, note,
                made_by or "a former educator", assigned_at, due_on, len(activity.items),
                tuple(
                    LearnerProgress(a.learner_id, name, is_done(a, answered, course),
                                    answered.get(a.id, 0))
                    for a, name in members
                ),
                any(a.whole_class for a, _ in members),
            )
        )  # fmt: skip
    out.sort(key=lambda c: _order(not c.waiting, c.due_on, c.assigned_at))
    activities: list[tuple[str, list[tuple[str, str]]]] = []
    seen: set[str] = set()
    for key, objective in course.objectives.items():
        mine = [(a.key, a.title) for a in course.activities_for(key) if a.key not in seen]
        seen.update(k for k, _ in mine)
        if mine:
            activities.append((objective.title, mine))
    return ClassAssignments(class_id, school_class.name, out, activities, school_class.ended_at)
