"""The classes a learner is in, as they see them: each class, its course and the educators who
see their work (the account page lists them, and lets the learner leave one,
services.classes.leave_class)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from learnloop.domain import Role, Viewer
from learnloop.exceptions import NotFound
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.tables import ClassMember, SchoolClass, User
from learnloop.storage.tables import Course as CourseRow

__all__ = ["MyClass", "my_class", "my_classes"]


@dataclass(frozen=True)
class MyClass:
    id: int
    name: str
    course_title: str
    educators: tuple[str, ...]  # display names, in order
    ended_at: datetime | None = None  # when an admin ended it: nothing new happens in it


def my_classes(db: Database, viewer: Viewer) -> list[MyClass]:
    """The learner's classes by name, each with its educators."""
    require_learner(viewer)
    mine = aliased(ClassMember)
    teaching = aliased(ClassMember)
    with db.reading() as s:
        classes = list(
            s.execute(
                select(SchoolClass.id, SchoolClass.name, CourseRow.title, SchoolClass.ended_at)
                .join(CourseRow, CourseRow.id == SchoolClass.course_id)
                .join(mine, mine.class_id == SchoolClass.id)
                .where(mine.user_id == viewer.user_id)
                .order_by(SchoolClass.name, SchoolClass.id)
            )
        )
        educators: dict[int, list[str]] = {}
        for class_id, name in s.execute(
            select(teaching.class_id, User.display_name)
            .join(User, User.id == teaching.user_id)
            .where(
                teaching.class_id.in_([c[0] for c in classes]),
                teaching.role == Role.EDUCATOR.value,
            )
            .order_by(User.display_name)
        ):
            educators.setdefault(class_id, []).append(name)
    return [
        MyClass(class_id, name, course, tuple(educators.get(class_id, ())), ended_at)
        for class_id, name, course, ended_at in classes
    ]


def my_class(db: Database, viewer: Viewer, class_id: int) -> MyClass:
    """One of the learner's classes; NotFound for any other (a page never names a class to
    someone outside it)."""
    for found in my_classes(db, viewer):
        if found.id == class_id:
            return found
    raise NotFound("no class %(class_id)s", class_id=class_id)
