"""The accounts of the platform, for its administrators: found by a part of the username or the
name, filtered by role, a page at a time, each with its classes, so that an administrator can
find whose password to reset or whom to add to a class without knowing the exact username."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import ClassMember, RecoveryEmail, SchoolClass, User
from learnloop.storage.text_search import contains_text

__all__ = ["ACCOUNTS_PAGE", "AccountEntry", "AccountPage", "find_accounts"]

# Accounts a page: a class or two of a school at a glance, and a page that stays light.
ACCOUNTS_PAGE = 50
_MAX_QUERY = 64  # as long as a username may be


@dataclass(frozen=True)
class AccountEntry:
    id: int
    username: str
    display_name: str
    role: str
    created_at: datetime
    must_change_password: bool  # a one-time password not yet replaced
    classes: tuple[tuple[int, str], ...]  # (id, name), by name
    # a confirmed recovery address: they can reset a forgotten password themselves (the address
    # is the owner's, not shown here)
    resets_by_email: bool = False


@dataclass(frozen=True)
class AccountPage:
    query: str
    role: str  # "" for every role
    total: int  # accounts that match
    offset: int
    accounts: list[AccountEntry]

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.accounts)
        return following if following < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - ACCOUNTS_PAGE) if self.offset > 0 else None


def _matching(query: str) -> ColumnElement[bool]:
    """Username or name containing ``query``, whatever the case."""
    return or_(contains_text(User.username, query), contains_text(User.display_name, query))


def find_accounts(
    db: Database,
    viewer: Viewer,
    *,
    query: str = "",
    role: str = "",
    offset: int = 0,
    limit: int = ACCOUNTS_PAGE,
) -> AccountPage:
    """Accounts by name, then username; ``query`` a part of either, ``role`` one role or all."""
    require_role(viewer, Role.ADMIN)
    query = query.strip()
    if len(query) > _MAX_QUERY:
        raise InvalidInput("q", "use at most %(max)s characters", max=_MAX_QUERY)
    if role and role not in {r.value for r in Role}:
        raise InvalidInput("role", "%(role)s is not a role", role=repr(role))
    if offset < 0 or not 1 <= limit <= ACCOUNTS_PAGE:
        raise InvalidInput("offset", "ask for 1 to %(max)s accounts from 0 on", max=ACCOUNTS_PAGE)
    conditions = [_matching(query)] if query else []
    if role:
        conditions.append(User.role == role)
    with db.reading() as s:
        total = s.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
        users = list(
            s.scalars(
                select(User)
                .where(*conditions)
                .order_by(func.lower(User.display_name), User.username)
                .offset(offset)
                .limit(limit)
            )
        )
        classes: dict[int, list[tuple[int, str]]] = {}
        for user_id, class_id, name in s.execute(
            select(ClassMember.user_id, SchoolClass.id, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == ClassMember.class_id)
            .where(ClassMember.user_id.in_([u.id for u in users]))
            .order_by(SchoolClass.name)
        ):
            classes.setdefault(user_id, []).append((class_id, name))
        by_email = set(s.scalars(select(RecoveryEmail.user_id).where(
            RecoveryEmail.user_id.in_([u.id for u in users]),
            RecoveryEmail.confirmed_at.is_not(None),
        )))  # fmt: skip
    entries = [
        AccountEntry(u.id, u.username, u.display_name, u.role, u.created_at,
                     u.must_change_password, tuple(classes.get(u.id, ())), u.id in by_email)
        for u in users
    ]  # fmt: skip
    return AccountPage(query, role, total, offset, entries)
