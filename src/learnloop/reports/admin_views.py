"""What an administrator sees: accounts by role, courses and classes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from learnloop.domain import Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import Attempt, Course, User

__all__ = ["AdminOverview", "admin_overview"]


@dataclass(frozen=True)
class AdminOverview:
    accounts: dict[str, int]
    courses: list[tuple[str, str]]  # slug, title
    attempts: int
    database: str


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
    return AdminOverview(accounts, courses, attempts, db.dialect)
