"""What an administrator sees: accounts by role, courses and classes, the systems connected (LTI
platforms, LRS clients), and the latest changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
    LtiAccount,
    LtiContext,
    LtiDeployment,
    LtiPlatform,
    SchoolClass,
    User,
)

__all__ = [
    "RECENT_CHANGES_SHOWN",
    "AdminOverview",
    "AuditRow",
    "ClassMembers",
    "Connection",
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
class Connection:
    """A system connected to learnloop, as the operator registered it on the command line."""

    kind: str  # "LTI platform" | "LRS client"
    name: str
    detail: str  # an LTI platform's issuer and deployments; an LRS client's access
    made: str  # what it has made here: classes and accounts; "" for an LRS client
    active: bool


@dataclass(frozen=True)
class AdminOverview:
    accounts: dict[str, int]
    courses: list[tuple[str, str]]  # slug, title
    attempts: int
    database: str
    changes: list[AuditRow]
    connections: list[Connection]


def _many(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 'es' if noun.endswith('s') else 's'}"


def _connections(s: Session) -> list[Connection]:
    def per_platform(column: Any) -> dict[int, int]:
        rows = s.execute(select(column, func.count()).group_by(column))
        return {int(k): int(n) for k, n in rows}

    deployments = per_platform(LtiDeployment.platform_id)
    classes = per_platform(LtiContext.platform_id)
    people = per_platform(LtiAccount.platform_id)
    out = []
    for p in s.scalars(select(LtiPlatform).order_by(LtiPlatform.name)):
        made = f"{_many(classes.get(p.id, 0), 'class')}, {_many(people.get(p.id, 0), 'account')}"
        detail = f"{p.issuer}, {_many(deployments.get(p.id, 0), 'deployment')}"
        out.append(Connection("LTI platform", p.name, detail, made, True))
    out += [
        Connection(
            "LRS client",
            c.name,
            "read and write" if c.can_write else "read only",
            "",
            c.revoked_at is None,
        )
        for c in s.scalars(select(LrsClient).order_by(LrsClient.name))
    ]
    return out


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
        connections = _connections(s)
    return AdminOverview(accounts, courses, attempts, db.dialect, changes, connections)


@dataclass(frozen=True)
class ClassMembers:
    id: int
    name: str
    course_title: str
    members: list[tuple[int, str, str, str]]  # user id, username, display name, role


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
    )
