"""A class's life after it is set up: an admin renames it, ends it when its run is over (the end
of a school year, a term, a cohort) and may reopen it.

An ended class keeps everything: its members, their records, its reports and downloads, read by
the same people as before. Nothing new happens in it (storage.access.require_running): no
assignment, message, group, post, join code or member. Its join code is closed; its educators'
classes page lists it apart and their e-mail digest leaves it out; its open assignments leave its
learners' lists, reminders and calendars; its discussion and its project work are no longer on
its learners' activity pages (their work stays in their data). Reopening undoes all of it but
the join code, which an educator opens again if the class should take newcomers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.audit import record_event
from learnloop.services.courses import class_name
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import ClassJoinCode, SchoolClass

__all__ = ["end_class", "rename_class", "reopen_class"]


def _class(s: Session, viewer: Viewer, class_id: int) -> SchoolClass:
    require_role(viewer, Role.ADMIN)
    school_class = s.get(SchoolClass, class_id)
    if school_class is None:
        raise NotFound("class %(class_id)s does not exist", class_id=class_id)
    return school_class


def rename_class(
    db: Database, viewer: Viewer, *, class_id: int, name: str, now: datetime | None = None
) -> str:
    """Give the class a new name (unique, as when it was made); returns the name kept."""
    with db.transaction() as s:
        school_class = _class(s, viewer, class_id)
        new = class_name(s, name, renaming=class_id)
        if new != school_class.name:
            record_event(
                s, actor=viewer.username, action="class.renamed", subject=new,
                now=now or datetime.now(UTC),
                details={"class_id": class_id, "from": school_class.name},
            )  # fmt: skip
            school_class.name = new
        return new


def end_class(db: Database, viewer: Viewer, *, class_id: int, now: datetime | None = None) -> None:
    """End the class: kept, readable, and closed to anything new; its join code goes."""
    when = now or datetime.now(UTC)
    with db.transaction() as s:
        school_class = _class(s, viewer, class_id)
        if school_class.ended_at is not None:
            raise InvalidInput("class", "%(name)s has ended already", name=school_class.name)
        school_class.ended_at = when
        code = s.get(ClassJoinCode, class_id)
        if code is not None:
            s.delete(code)
        record_event(
            s, actor=viewer.username, action="class.ended", subject=school_class.name, now=when,
            details={"class_id": class_id},
        )  # fmt: skip


def reopen_class(
    db: Database, viewer: Viewer, *, class_id: int, now: datetime | None = None
) -> None:
    """Let the class run again, as it was when it ended (without a join code)."""
    with db.transaction() as s:
        school_class = _class(s, viewer, class_id)
        if school_class.ended_at is None:
            raise InvalidInput("class", "%(name)s has not ended", name=school_class.name)
        school_class.ended_at = None
        record_event(
            s, actor=viewer.username, action="class.reopened", subject=school_class.name,
            now=now or datetime.now(UTC), details={"class_id": class_id},
        )  # fmt: skip
