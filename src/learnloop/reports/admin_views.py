"""What an administrator sees: accounts by role, courses and classes, the systems connected (LTI
platforms, LRS clients), and the latest changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from learnloop.domain import Role, Viewer
from learnloop.exceptions import NotFound
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import (
    Attempt,
    AuditEvent,
    ClassMember,
    Course,
    LrsClient,
    LtiPlatform,
    SchoolClass,
    User,
)

__all__ = [
    "RECENT_CHANGES_SHOWN",
    "AdminOverview",
    "AuditRow",
    "ClassMembers",
    "admin_overview",
    "class_members",
]

RECENT_CHANGES_SHOWN = 20  # the admin page's audit trail: the latest changes, newest first


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    subject: str


@dataclass(frozen=True)
class AdminOverview:
    accounts: dict[str, int]
    courses: list[tuple[str, str]]  # slug, title
    attempts: int
    database: str
    changes: list[AuditRow]
    platforms: int  # LTI platforms registered
    lrs_clients: int  # LRS clients not revoked


def admin_overview(db: Database, viewer: Viewer) -> AdminOverview:
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        rows = s.execute(select(User.role, func.count()).group_by(User.role)).all()
        accounts = {str(role): int(n) for role, n in rows}
        courses = [
            (slug, title)
            for slug, title in s.execute(select(Course.slug, Course.title).order_by(Course.title))
        ]
        attempts = s.scalar(select(func.count()).select_from(Attempt)) or 0
        events = s.scalars(
            select(AuditEvent)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(RECENT_CHANGES_SHOWN)
        )
        changes = [AuditRow(e.at, e.actor, e.action, e.subject) for e in events]
        platforms = s.scalar(select(func.count()).select_from(LtiPlatform)) or 0
        clients = s.scalar(
            select(func.count()).select_from(LrsClient).where(LrsClient.revoked_at.is_(None))
        )
    return AdminOverview(accounts, courses, attempts, db.dialect, changes, platforms, clients or 0)


@dataclass(frozen=True)
class ClassMembers:
    id: int
    name: str
    course_title: str
    members: list[tuple[int, str, str, str]]  # user id, username, display name, role
    ended_at: datetime | None = None  # when it was ended (services.class_lifecycle)


def class_members(db: Database, viewer: Viewer, class_id: int) -> ClassMembers:
    """Who is in a class, educators first, then by name (admins)."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        school_class = s.get(SchoolClass, class_id)
        if school_class is None:
            raise NotFound("class %(class_id)s does not exist", class_id=class_id)
        course = s.get(Course, school_class.course_id)
        rows = s.execute(
            select(User.id, User.username, User.display_name, ClassMember.role)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(ClassMember.class_id == class_id)
            .order_by(ClassMember.role != Role.EDUCATOR.value, User.display_name)
        ).all()
    return ClassMembers(
        class_id,
        school_class.name,
        course.title if course else "",
        [(int(i), str(u), str(d), str(r)) for i, u, d, r in rows],
        school_class.ended_at,
    )
