"""Setting classes up: an admin creates a class on a course, adds people by username and removes
them; a learner may leave a class of their own accord (they join one with a code,
services.class_codes). Each is one transaction and an audit event. Educators do not enrol: a
class's educator sees everything its learners do, so who is in a class is the admin's decision, or
the learner's own.

Adding is all or nothing: one unknown username, or an admin's account, refuses the whole list
with the names at fault, so a typo never leaves half a class enrolled. A learner added follows the
class's course from then on. Removing someone ends their membership only: their answers, mastery
and reviews stay theirs (deleting an account is the admin's separate, explicit step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.audit import record_event
from learnloop.services.courses import enrol, new_class
from learnloop.storage import Database
from learnloop.storage.access import (
    require_class_educator,
    require_learner,
    require_role,
    require_running,
)
from learnloop.storage.tables import ClassMember, SchoolClass, User
from learnloop.storage.tables import Course as CourseRow

__all__ = [
    "Enrolment",
    "add_members",
    "create_class_for",
    "leave_class",
    "remove_member",
    "usernames_in",
]

_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Enrolment:
    added: tuple[str, ...]  # usernames now in the class
    already: tuple[str, ...]  # usernames that were in it


def create_class_for(
    db: Database, viewer: Viewer, *, name: str, course_slug: str, now: datetime | None = None
) -> int:
    """A new class on the course ``course_slug`` (admins)."""
    require_role(viewer, Role.ADMIN)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        course_id = s.scalar(select(CourseRow.id).where(CourseRow.slug == course_slug))
        if course_id is None:
            raise InvalidInput(
                "course", "there is no course %(course_slug)s", course_slug=repr(course_slug)
            )
        row = new_class(s, name=name, course_id=course_id, now=now)
        record_event(
            s, actor=viewer.username, action="class.created", subject=row.name, now=now,
            details={"class_id": row.id, "course": course_slug},
        )  # fmt: skip
        return row.id


def usernames_in(text: str) -> list[str]:
    """The usernames in what a person typed: one per line, or separated by commas or spaces."""
    return list(dict.fromkeys(u for u in _SEPARATORS.split(text) if u))


def add_members(
    db: Database, viewer: Viewer, *, class_id: int, usernames: str, now: datetime | None = None
) -> Enrolment:
    """Add existing accounts to a class (admins)."""
    require_role(viewer, Role.ADMIN)
    wanted = usernames_in(usernames)
    if not wanted:
        raise InvalidInput("usernames", "give at least one username")
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        school_class = require_running(require_class_educator(s, viewer, class_id))
        users = {u.username: u for u in s.scalars(select(User).where(User.username.in_(wanted)))}
        unknown = [u for u in wanted if u not in users]
        if unknown:
            raise InvalidInput(
                "usernames", "no account named %(names)s: nobody added", names=", ".join(unknown)
            )
        admins = [u for u in wanted if users[u].role == Role.ADMIN.value]
        if admins:
            raise InvalidInput(
                "usernames",
                "%(names)s: admins see every class without joining one; nobody added",
                names=", ".join(admins),
            )
        added = [u for u in wanted if enrol(s, school_class, users[u], now)]
        if added:
            record_event(
                s, actor=viewer.username, action="class.members_added", subject=school_class.name,
                now=now, details={"class_id": class_id, "usernames": added},
            )  # fmt: skip
        return Enrolment(tuple(added), tuple(u for u in wanted if u not in added))


def remove_member(
    db: Database, viewer: Viewer, *, class_id: int, user_id: int, now: datetime | None = None
) -> str:
    """End one membership (admins); returns the username. The person's own records stay."""
    require_role(viewer, Role.ADMIN)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        school_class = require_class_educator(s, viewer, class_id)
        member = s.get(ClassMember, (class_id, user_id))
        user = s.get(User, user_id)
        if member is None or user is None:
            raise NotFound(
                "user %(user_id)s is not in class %(class_id)s", user_id=user_id, class_id=class_id
            )
        s.delete(member)
        record_event(
            s, actor=viewer.username, action="class.member_removed", subject=school_class.name,
            now=now, details={"class_id": class_id, "username": user.username},
        )  # fmt: skip
        return user.username


def leave_class(db: Database, viewer: Viewer, *, class_id: int, now: datetime | None = None) -> str:
    """The learner leaves a class they are in; returns its name. Its educators no longer see
    their work; everything the learner did stays theirs, and they keep following the course.
    A class the learner is not in does not exist to them (NotFound)."""
    require_learner(viewer)  # an admin takes educators out (remove_member)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        member = s.get(ClassMember, (class_id, viewer.user_id))
        school_class = s.get(SchoolClass, class_id)
        if member is None or school_class is None:
            raise NotFound("no class %(class_id)s", class_id=class_id)
        s.delete(member)
        record_event(
            s, actor=viewer.username, action="class.left", subject=school_class.name, now=now,
            details={"class_id": class_id},
        )  # fmt: skip
        return school_class.name
