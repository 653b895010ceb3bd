"""Importing courses and setting up classes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.domain import Course, Role
from learnloop.domain.course_codec import course_to_dict
from learnloop.exceptions import DuplicateName, InvalidInput, NotFound
from learnloop.services.assignments import give_whole_class_work
from learnloop.services.audit import OPERATOR, record_event
from learnloop.storage import Database
from learnloop.storage.tables import (
    ClassMember,
    CourseMediaFile,
    CourseSourceFile,
    LearnerProfile,
    SchoolClass,
    User,
)
from learnloop.storage.tables import Course as CourseRow

__all__ = [
    "MAX_CLASS_NAME",
    "add_to_class",
    "class_name",
    "create_class",
    "enrol",
    "follow_course",
    "import_course",
    "learner_profile",
    "new_class",
]

MAX_CLASS_NAME = 120


def import_course(
    db: Database,
    course: Course,
    *,
    media: Mapping[str, bytes] | None = None,
    sources: Mapping[str, str] | None = None,
    actor: str = OPERATOR,
) -> tuple[int, Literal["created", "updated", "unchanged"]]:
    """Store a validated course under its slug, with the bytes of its media files
    (``content.course_media.media_bytes``) and, when given, the text of its source files
    (``content.course_sources.source_texts``, kept for the admin's download); the same content
    again changes nothing for learners ("unchanged"), though sources that differ (a comment
    added) replace the kept ones. A new or changed course is recorded in the audit trail."""
    _check_media(course, media or {})
    content = course_to_dict(course)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    now = datetime.now(UTC)
    with db.transaction() as s:
        row = s.scalar(select(CourseRow).where(CourseRow.slug == course.slug))
        if row is not None and row.content_hash == digest:
            if sources is not None:
                _store_sources(s, row.id, sources)
            return row.id, "unchanged"
        outcome: Literal["created", "updated"] = "created" if row is None else "updated"
        if row is None:
            row = CourseRow(
                slug=course.slug, title=course.title, content=content, content_hash=digest,
                updated_at=now,
            )  # fmt: skip
            s.add(row)
            s.flush()
        else:
            row.title, row.content, row.content_hash = course.title, content, digest
            row.updated_at = now
        _store_media(s, row.id, course, media or {})
        if sources is not None:
            _store_sources(s, row.id, sources)
        record_event(
            s, actor=actor, action=f"course.{outcome}", subject=course.slug, now=now,
            details={"title": course.title, "content_hash": digest},
        )  # fmt: skip
        return row.id, outcome


def _check_media(course: Course, media: Mapping[str, bytes]) -> None:
    for path, file in course.media.items():
        content = media.get(path)
        if content is None or hashlib.sha256(content).hexdigest() != file.sha256:
            raise InvalidInput(
                "media", "the bytes of media/%(path)s are missing or changed", path=path
            )


def _store_media(s: Session, course_id: int, course: Course, media: Mapping[str, bytes]) -> None:
    """Keep the course's media as this version has them: new and changed files written,
    files it no longer has deleted, unchanged ones left alone."""
    query = select(CourseMediaFile.path, CourseMediaFile.sha256).where(
        CourseMediaFile.course_id == course_id
    )
    stored: dict[str, str] = {row.path: row.sha256 for row in s.execute(query)}
    gone = [path for path in stored if path not in course.media]
    if gone:
        s.execute(
            delete(CourseMediaFile).where(
                CourseMediaFile.course_id == course_id, CourseMediaFile.path.in_(gone)
            )
        )
    for path, file in course.media.items():
        if stored.get(path) == file.sha256:
            continue
        s.merge(CourseMediaFile(course_id=course_id, path=path, content_type=file.content_type,
                                sha256=file.sha256, content=media[path]))  # fmt: skip


def _store_sources(s: Session, course_id: int, sources: Mapping[str, str]) -> None:
    """The course's kept source files become ``sources``: changed ones written, gone ones
    deleted, the same ones left alone."""
    stored = dict(
        s.execute(
            select(CourseSourceFile.path, CourseSourceFile.text).where(
                CourseSourceFile.course_id == course_id
            )
        ).all()
    )
    gone = [path for path in stored if path not in sources]
    if gone:
        s.execute(
            delete(CourseSourceFile).where(
                CourseSourceFile.course_id == course_id, CourseSourceFile.path.in_(gone)
            )
        )
    for path, text in sources.items():
        if stored.get(path) != text:
            s.merge(CourseSourceFile(course_id=course_id, path=path, text=text))


def class_name(s: Session, name: str, *, renaming: int | None = None) -> str:
    """``name`` with its spaces folded, if a class may take it (``renaming``: the class that
    does, which may keep its own name); InvalidInput or DuplicateName naming ``name`` if not."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name", "a class needs a name")
    if len(name) > MAX_CLASS_NAME:
        raise InvalidInput("name", "use at most %(max)s characters", max=MAX_CLASS_NAME)
    holder = s.scalar(select(SchoolClass.id).where(SchoolClass.name == name))
    if holder is not None and holder != renaming:
        raise DuplicateName("name", "a class named %(name)s exists", name=repr(name))
    return name


def new_class(s: Session, *, name: str, course_id: int, now: datetime) -> SchoolClass:
    """A class named ``name`` (spaces folded) on the course, in the caller's transaction."""
    name = class_name(s, name)
    if s.get(CourseRow, course_id) is None:
        raise NotFound("course %(course_id)s does not exist", course_id=course_id)
    row = SchoolClass(name=name, course_id=course_id, created_at=now)
    s.add(row)
    s.flush()
    return row


def create_class(db: Database, *, name: str, course_id: int, now: datetime | None = None) -> int:
    with db.transaction() as s:
        return new_class(s, name=name, course_id=course_id, now=now or datetime.now(UTC)).id


def learner_profile(s: Session, user_id: int) -> LearnerProfile:
    """The learner's profile, made empty in the caller's transaction if they have none yet."""
    profile = s.get(LearnerProfile, user_id)
    if profile is None:
        profile = LearnerProfile(user_id=user_id, interests="", preferred_modalities=[])
        s.add(profile)
    return profile


def follow_course(s: Session, user_id: int, course_id: int) -> None:
    """Make ``course_id`` the learner's current course, in the caller's transaction."""
    learner_profile(s, user_id).course_id = course_id


def enrol(s: Session, school_class: SchoolClass, user: User, now: datetime | None = None) -> bool:
    """Add ``user`` to the class in the caller's transaction (a learner then follows its
    course, and gets the work given to the whole class that is still to do); False, and nothing
    changed, if they were in it."""
    if s.get(ClassMember, (school_class.id, user.id)) is not None:
        return False
    s.add(ClassMember(class_id=school_class.id, user_id=user.id, role=user.role))
    if user.role == Role.LEARNER.value:
        follow_course(s, user.id, school_class.course_id)
        s.flush()  # the membership first: the work below goes to a member
        give_whole_class_work(s, school_class, user.id, now or datetime.now(UTC))
    return True


def add_to_class(db: Database, *, class_id: int, user_id: int) -> None:
    """Add a user with their platform role; a learner then follows the class's course."""
    with db.transaction() as s:
        school_class = s.get(SchoolClass, class_id)
        user = s.get(User, user_id)
        if school_class is None or user is None:
            raise NotFound("no such class or user")
        if user.role == Role.ADMIN.value:
            raise InvalidInput("user_id", "admins see every class without joining one")
        if not enrol(s, school_class, user) and user.role == Role.LEARNER.value:
            follow_course(s, user.id, school_class.course_id)
