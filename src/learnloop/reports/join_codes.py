"""Class join codes, read: the open code on the class page, and what a learner who gives a code
is about to join (services.class_codes makes the changes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from learnloop.domain import Role, Viewer
from learnloop.domain.class_codes import OpenCode
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_learner
from learnloop.storage.join_codes import find_open_code
from learnloop.storage.tables import ClassJoinCode, ClassMember, LearnerProfile, SchoolClass, User
from learnloop.storage.tables import Course as CourseRow

__all__ = ["JoinPreview", "class_join_code", "join_preview", "my_class_name"]


@dataclass(frozen=True)
class JoinPreview:
    """What joining with a code means, said before the learner confirms."""

    code: str  # as stored
    class_name: str
    course_title: str
    educators: tuple[str, ...]  # display names: who will see the learner's work
    expires_at: datetime
    already_member: bool
    # the course the learner follows now, when joining would change it
    leaving_course: str | None


def class_join_code(db: Database, viewer: Viewer, class_id: int) -> OpenCode | None:
    """The class's join code, expired or not, for its educators and admins; None without one."""
    with db.reading() as s:
        require_class_educator(s, viewer, class_id)
        row = s.get(ClassJoinCode, class_id)
        if row is None:
            return None
        return OpenCode(row.class_id, row.code, row.created_at, row.expires_at)


def join_preview(
    db: Database, viewer: Viewer, typed: str, now: datetime | None = None
) -> JoinPreview:
    """The class an open code admits the learner to; InvalidInput (field ``code``) otherwise."""
    require_learner(viewer)
    now = now or datetime.now(UTC)
    with db.reading() as s:
        row = find_open_code(s, typed, now)
        school_class = s.get(SchoolClass, row.class_id)
        assert school_class is not None  # a code goes with its class
        course = s.get(CourseRow, school_class.course_id)
        educators = s.scalars(
            select(User.display_name)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(
                ClassMember.class_id == school_class.id,
                ClassMember.role == Role.EDUCATOR.value,
            )
            .order_by(User.display_name)
        ).all()
        member = s.get(ClassMember, (school_class.id, viewer.user_id))
        profile = s.get(LearnerProfile, viewer.user_id)
        followed = None
        if profile is not None and profile.course_id not in (None, school_class.course_id):
            followed = s.get(CourseRow, profile.course_id)
        return JoinPreview(
            code=row.code,
            class_name=school_class.name,
            course_title=course.title if course else "",
            educators=tuple(educators),
            expires_at=row.expires_at,
            already_member=member is not None,
            leaving_course=followed.title if followed else None,
        )


def my_class_name(db: Database, viewer: Viewer, class_id: int) -> str | None:
    """The name of a class the viewer is in; None for any other class (a page never names a
    class to someone outside it)."""
    with db.reading() as s:
        if s.get(ClassMember, (class_id, viewer.user_id)) is None:
            return None
        return s.scalar(select(SchoolClass.name).where(SchoolClass.id == class_id))
