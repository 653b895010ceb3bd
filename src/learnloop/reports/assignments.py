"""Assignments as their readers see them: a learner, their own (open first); an educator, one
learner of their class. An assignment is done when the learner said so or has answered every item
of its activity since it was assigned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain import Course, Viewer
from learnloop.storage import Database
from learnloop.storage.access import learner_record_scope, require_learner
from learnloop.storage.course_store import course_of_learner
from learnloop.storage.tables import Assignment, Attempt, ClassMember, SchoolClass, User

__all__ = ["AssignmentView", "assignments_for_me", "assignments_of_learner", "my_assignments"]


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


def _views(
    s: Session, rows: Sequence[tuple[Assignment, str | None]], course: Course, learner_id: int
) -> list[AssignmentView]:
    since = min((a.created_at for a, _ in rows if a.done_at is None), default=None)
    answers: list[tuple[str, str, datetime]] = []
    if since is not None:  # one query for all: the answers since the oldest still open
        answers = [
            (activity, item, at)
            for activity, item, at in s.execute(
                select(Attempt.activity_key, Attempt.item_key, Attempt.created_at).where(
                    Attempt.user_id == learner_id, Attempt.created_at >= since
                )
            )
        ]
    out = []
    for a, educator in rows:
        activity = course.activities.get(a.activity_key)
        if activity is None:  # the course no longer has it
            continue
        answered = len(
            {
                item for key, item, at in answers
                if key == a.activity_key and item in activity.items and at >= a.created_at
            }
        )  # fmt: skip
        done = a.done_at is not None or (bool(activity.items) and answered >= len(activity.items))
        out.append(
            AssignmentView(
                a.id, a.activity_key, activity.title, a.note, educator or "a former educator",
                a.created_at, done, answered, len(activity.items),
            )
        )  # fmt: skip
    out.sort(key=lambda v: (v.done, -v.assigned_at.timestamp()))
    return out


def _query(learner_id: int, class_ids: list[int]) -> Select[Assignment, str]:
    educator = aliased(User)
    return (
        select(Assignment, educator.display_name)
        .outerjoin(educator, educator.id == Assignment.educator_id)
        .where(Assignment.learner_id == learner_id, Assignment.class_id.in_(class_ids))
        .order_by(Assignment.created_at.desc())
    )


def my_assignments(
    db: Database, viewer: Viewer, course_id: int, course: Course
) -> list[AssignmentView]:
    """The learner's assignments in their classes on ``course_id`` (not those of a class they
    have left: its educators no longer follow them)."""
    require_learner(viewer)
    with db.reading() as s:
        classes = list(
            s.scalars(
                select(SchoolClass.id)
                .join(ClassMember, ClassMember.class_id == SchoolClass.id)
                .where(SchoolClass.course_id == course_id, ClassMember.user_id == viewer.user_id)
            )
        )
        rows = [(a, n) for a, n in s.execute(_query(viewer.user_id, classes))]
        return _views(s, rows, course, viewer.user_id)


def assignments_of_learner(
    db: Database, viewer: Viewer, class_id: int, learner_id: int
) -> list[AssignmentView]:
    with db.reading() as s:
        _, course = learner_record_scope(s, viewer, learner_id, class_id)
        rows = [(a, n) for a, n in s.execute(_query(learner_id, [class_id]))]
        return _views(s, rows, course, learner_id)


def assignments_for_me(db: Database, viewer: Viewer) -> list[AssignmentView]:
    """The learner's assignments in the course they follow."""
    require_learner(viewer)
    with db.reading() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
    return my_assignments(db, viewer, course_id, course)
