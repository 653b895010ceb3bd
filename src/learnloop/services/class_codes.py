"""Joining a class with a code: an educator of the class (or an admin) opens it with a code that
expires, and a learner who gives the code joins it and follows its course.

Adding people by username stays the admin's (services.classes); a code is the educator's way to
let learners in without one. Joining is the learner's own act: the join page says who will see
their work before they confirm.

What a code looks like, and why ten characters need no counting of failed guesses, is in
domain.class_codes. Each change is one transaction and an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Role, Viewer
from learnloop.domain.class_codes import OpenCode, new_code
from learnloop.exceptions import InvalidInput, PermissionDenied
from learnloop.services.audit import record_event
from learnloop.services.courses import enrol, follow_course
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_role, require_running
from learnloop.storage.join_codes import find_open_code
from learnloop.storage.tables import ClassJoinCode, SchoolClass, User

__all__ = [
    "DEFAULT_CODE_DAYS",
    "MAX_CODE_DAYS",
    "Joined",
    "close_joining",
    "join_class",
    "open_joining",
]

# Two weeks: time for a class's first lessons and the absent to catch up, short enough that a
# code copied out of the room (a photo of the board) soon stops working.
DEFAULT_CODE_DAYS = 14
# A term at most: an educator who wants longer makes a new code.
MAX_CODE_DAYS = 90


@dataclass(frozen=True)
class Joined:
    class_id: int
    class_name: str
    course_id: int
    new: bool  # False: the learner was in the class already (they follow its course again)


def _unused_code(s: Session) -> str:
    while True:  # a repeat is a one-in-10^14 event; the unique constraint stands behind this
        code = new_code()
        if s.scalar(select(ClassJoinCode.class_id).where(ClassJoinCode.code == code)) is None:
            return code


def open_joining(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    days: int = DEFAULT_CODE_DAYS,
    now: datetime | None = None,
) -> OpenCode:
    """A new join code for the class, valid for ``days``; it replaces the class's old one."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    if not 1 <= days <= MAX_CODE_DAYS:
        raise InvalidInput("days", "a code lasts from 1 to %(max)s days", max=MAX_CODE_DAYS)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        school_class = require_running(require_class_educator(s, viewer, class_id))
        code = _unused_code(s)
        row = s.get(ClassJoinCode, class_id)
        if row is None:
            row = ClassJoinCode(class_id=class_id, code=code)
            s.add(row)
        row.code = code
        row.created_at = now
        row.expires_at = now + timedelta(days=days)
        record_event(
            s, actor=viewer.username, action="class.join_code_opened", subject=school_class.name,
            now=now, details={"class_id": class_id, "expires_at": row.expires_at.isoformat()},
        )  # fmt: skip
        return OpenCode(class_id, row.code, row.created_at, row.expires_at)


def close_joining(
    db: Database, viewer: Viewer, *, class_id: int, now: datetime | None = None
) -> bool:
    """Delete the class's join code; False, and nothing changed, when it had none."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        school_class = require_class_educator(s, viewer, class_id)
        row = s.get(ClassJoinCode, class_id)
        if row is None:
            return False
        s.delete(row)
        record_event(
            s, actor=viewer.username, action="class.join_code_closed", subject=school_class.name,
            now=now, details={"class_id": class_id},
        )  # fmt: skip
        return True


def join_class(db: Database, viewer: Viewer, *, code: str, now: datetime | None = None) -> Joined:
    """Add the learner to the class whose open code they gave; they follow its course from now
    on. Only learners join this way: educators and admins are the admin's to place."""
    if viewer.role is not Role.LEARNER:
        raise PermissionDenied("a class code lets learners in; an admin adds educators to a class")
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        school_class = s.get(SchoolClass, find_open_code(s, code, now).class_id)
        assert school_class is not None  # a code goes with its class
        require_running(school_class)  # ending a class closes its code: this is belt and braces
        user = s.get(User, viewer.user_id)
        assert user is not None  # a viewer is a live account
        new = enrol(s, school_class, user, now)
        if new:
            record_event(
                s, actor=viewer.username, action="class.joined", subject=school_class.name,
                now=now, details={"class_id": school_class.id},
            )  # fmt: skip
        else:
            follow_course(s, user.id, school_class.course_id)
        return Joined(school_class.id, school_class.name, school_class.course_id, new)
