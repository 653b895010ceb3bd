"""What an administrator sees: accounts by role, courses and classes, and the latest changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from learnloop.domain import Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import Attempt, AuditEvent, Course, User

__all__ = ["RECENT_CHANGES_SHOWN", "AdminOverview", "AuditRow", "admin_overview"]

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
    return AdminOverview(accounts, courses, attempts, db.dialect, changes)
