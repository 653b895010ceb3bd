"""A class's life after it is set up: an admin renames it, ends it when its run is over (the end
of a school year, a term, a cohort), may reopen it, and deletes it once ended when the school no
longer keeps its records.

An ended class keeps everything: its members, their records, its reports and downloads, read by
the same people as before. Nothing new happens in it (storage.access.require_running): no
assignment, message, group, post, join code or member. Its join code is closed; its educators'
classes page lists it apart and their e-mail digest leaves it out; its open assignments leave its
learners' lists, reminders and calendars; its discussion and its project work are no longer on
its learners' activity pages (their work stays in their data). Reopening undoes all of it but
the join code, which an educator opens again if the class should take newcomers.

Deleting an ended class (its name typed again) removes the class and what belongs to it: its
memberships, assignments, messages, groups, discussion, the project work handed in to it with its
feedback, its join code and its LTI links. Each learner's own record (answers, mastery, reviews,
reflections, reports on questions) is theirs and stays. The audit trail counts what went.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Table, func, select
from sqlalchemy.orm import Session

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.audit import record_event
from learnloop.services.courses import class_name
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import Base, ClassJoinCode, SchoolClass

__all__ = [
    "ClassDeletion",
    "class_contents",
    "delete_class",
    "end_class",
    "rename_class",
    "reopen_class",
]


@dataclass(frozen=True)
class ClassDeletion:
    name: str
    rows: dict[str, int]  # what went with the class, by table (those with none left out)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


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


def _class_tables() -> list[tuple[Table, Column[Any]]]:
    """Every table whose rows belong to a class (a foreign key to classes.id) with that column,
    found from the schema so that a table added later is covered too; parents before children."""
    classes = SchoolClass.__table__.c.id
    return [
        (table, fk.parent)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is classes
    ]


def class_contents(s: Session, class_id: int) -> dict[str, int]:
    """How many rows of each table belong to the class, the tables with none left out."""
    out = {}
    for table, column in _class_tables():
        n = int(s.scalar(select(func.count()).select_from(table).where(column == class_id)) or 0)
        if n:
            out[table.name] = n
    return out


def delete_class(
    db: Database, viewer: Viewer, *, class_id: int, confirm: str, now: datetime | None = None
) -> ClassDeletion:
    """Delete an ended class and what belongs to it (``confirm``: its name typed again), with
    the rows that went, by table. Its learners' own records stay."""
    with db.transaction() as s:
        school_class = _class(s, viewer, class_id)
        if school_class.ended_at is None:
            raise InvalidInput(
                "class",
                "end %(name)s first: only an ended class is deleted",
                name=school_class.name,
            )
        if " ".join(confirm.split()) != school_class.name:
            raise InvalidInput("confirm", "type the class's name again to confirm")
        gone = class_contents(s, class_id)
        for table, column in reversed(_class_tables()):  # their own children cascade
            s.execute(table.delete().where(column == class_id))
        s.delete(school_class)
        record_event(
            s, actor=viewer.username, action="class.deleted", subject=school_class.name,
            now=now or datetime.now(UTC), details={"class_id": class_id, "rows": gone},
        )  # fmt: skip
        return ClassDeletion(school_class.name, gone)
