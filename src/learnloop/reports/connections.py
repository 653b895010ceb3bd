"""The systems connected to learnloop, for the administrator's connections page: LTI 1.3
platforms (what their launches made here), LRS clients (what they may do, and whether they are
revoked) and the registration links still open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from learnloop.domain import Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import (
    Course,
    LrsClient,
    LtiAccount,
    LtiContext,
    LtiDeployment,
    LtiInvite,
    LtiPlatform,
)

__all__ = ["ClientRow", "Connections", "InviteRow", "PlatformRow", "connections"]


@dataclass(frozen=True)
class PlatformRow:
    name: str
    issuer: str
    client_id: str
    deployments: int
    classes: int  # classes its courses (contexts) made here
    accounts: int  # accounts its launches made here
    course_title: str | None  # the course a new platform course gets, when it names one


@dataclass(frozen=True)
class ClientRow:
    name: str
    key: str  # the HTTP Basic user name (the secret is never kept)
    can_write: bool
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class InviteRow:
    name: str  # "" : the platform's own answer names it
    course_title: str | None
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Connections:
    platforms: list[PlatformRow]
    clients: list[ClientRow]  # active first, then revoked, by name
    invites: list[InviteRow]  # unused and unexpired, the newest first
    courses: list[tuple[str, str]]  # slug, title: what a registration link may name


def connections(db: Database, viewer: Viewer, *, now: datetime | None = None) -> Connections:
    require_role(viewer, Role.ADMIN)
    now = now or datetime.now(UTC)
    with db.reading() as s:

        def per_platform(column: Any) -> dict[int, int]:
            rows = s.execute(select(column, func.count()).group_by(column)).all()
            return {int(k): int(n) for k, n in rows}

        deployments = per_platform(LtiDeployment.platform_id)
        classes = per_platform(LtiContext.platform_id)
        accounts = per_platform(LtiAccount.platform_id)
        course_rows = s.execute(select(Course.id, Course.slug, Course.title).order_by(Course.title))
        courses = [(int(i), str(slug), str(title)) for i, slug, title in course_rows]
        titles = {i: title for i, _, title in courses}
        platforms = [
            PlatformRow(
                p.name,
                p.issuer,
                p.client_id,
                deployments.get(p.id, 0),
                classes.get(p.id, 0),
                accounts.get(p.id, 0),
                titles.get(p.course_id or 0),
            )
            for p in s.scalars(select(LtiPlatform).order_by(LtiPlatform.name))
        ]
        clients = [
            ClientRow(c.name, c.key, c.can_write, c.created_at, c.revoked_at)
            for c in s.scalars(select(LrsClient).order_by(LrsClient.name))
        ]
        invites = [
            InviteRow(
                i.name,
                titles.get(i.course_id or 0),
                i.created_at,
                i.expires_at,
            )
            for i in s.scalars(
                select(LtiInvite)
                .where(LtiInvite.used_at.is_(None), LtiInvite.expires_at > now)
                .order_by(LtiInvite.created_at.desc())
            )
        ]
    clients.sort(key=lambda c: (c.revoked_at is not None, c.name))
    return Connections(platforms, clients, invites, [(slug, t) for _, slug, t in courses])
