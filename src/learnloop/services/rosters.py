"""Importing a roster (content.roster_csv): accounts, classes and memberships in one transaction.

Accounts that do not exist are created with a random password (returned once, for the operator
to hand out; only its argon2 hash is stored); classes that do not exist are created on the
course the roster names; everyone is added to their classes. Anything that does not fit the
database (an unknown course, a username whose account has another role, a new class without a
course, two courses for one class) is reported with its line, and then nothing at all changes.
Running the same roster again changes nothing and creates nobody. With a OneRoster export the
operator may also link each person's e-mail address as their xAPI identity, in the same
transaction (services.xapi_identities.link_rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.content.identity_csv import IdentityRow
from learnloop.content.roster_csv import RosterRow
from learnloop.domain import Role
from learnloop.exceptions import ContentError, ContentIssue
from learnloop.services.accounts import one_time_password
from learnloop.services.audit import OPERATOR, record_event
from learnloop.services.courses import enrol
from learnloop.services.xapi_identities import link_rows
from learnloop.storage import Database
from learnloop.storage.tables import Course as CourseRow
from learnloop.storage.tables import LearnerProfile, SchoolClass, User

__all__ = ["RosterResult", "import_roster"]


@dataclass(frozen=True)
class RosterResult:
    created_accounts: list[tuple[str, str, str]]  # username, role, one-time password
    created_classes: list[str]
    memberships_added: int
    memberships_kept: int
    identities_linked: int = 0  # e-mail addresses newly linked as xAPI identities


def import_roster(
    db: Database,
    hasher: PasswordHasher,
    rows: list[RosterRow],
    *,
    source: str,
    actor: str = OPERATOR,
    now: datetime | None = None,
    identities: list[IdentityRow] | None = None,
    identity_source: str = "",
    public_url: str = "",
) -> RosterResult:
    """``identities`` (OneRoster's e-mail addresses, when the operator asks for them) are
    linked to the accounts in the same transaction (services.xapi_identities), their problems
    named by ``identity_source`` and line like the roster's."""
    now = now or datetime.now(UTC)
    with db.reading() as s:
        existing = {
            u.username: u.role
            for u in s.scalars(select(User).where(User.username.in_({r.username for r in rows})))
        }
    # argon2 outside the write transaction: it takes tens of milliseconds an account
    passwords: dict[str, str] = {}
    hashes: dict[str, str] = {}
    for r in rows:
        if r.username not in existing and r.username not in passwords:
            passwords[r.username] = one_time_password()
            hashes[r.username] = hasher.hash(passwords[r.username])
    with db.transaction() as s:
        issues: list[ContentIssue] = []
        users = {
            u.username: u
            for u in s.scalars(select(User).where(User.username.in_({r.username for r in rows})))
        }
        courses = {slug: cid for cid, slug in s.execute(select(CourseRow.id, CourseRow.slug))}
        classes = {
            c.name: c
            for c in s.scalars(
                select(SchoolClass).where(SchoolClass.name.in_({r.class_name for r in rows}))
            )
        }
        class_course: dict[str, tuple[str, int]] = {}
        roles: dict[str, tuple[Role, int]] = {}
        for r in rows:
            user = users.get(r.username)
            if user is not None and user.role != r.role.value:
                issues.append(
                    ContentIssue(
                        source,
                        r.line,
                        f"{r.username} has an account as {user.role}, not {r.role.value}",
                    )
                )
            first = roles.setdefault(r.username, (r.role, r.line))
            if first[0] is not r.role:
                issues.append(
                    ContentIssue(
                        source,
                        r.line,
                        f"{r.username} is listed as {first[0].value} on line {first[1]}",
                    )
                )
            if r.course and r.course not in courses:
                issues.append(ContentIssue(source, r.line, f"there is no course {r.course!r}"))
                continue
            known = classes.get(r.class_name)
            if known is not None:
                if known.ended_at is not None:  # services.class_lifecycle: nobody new joins it
                    issues.append(
                        ContentIssue(
                            source,
                            r.line,
                            f"class {r.class_name!r} has ended: an admin can reopen it",
                        )
                    )
                    continue
                if r.course and courses[r.course] != known.course_id:
                    issues.append(
                        ContentIssue(
                            source, r.line, f"class {r.class_name!r} exists on another course"
                        )
                    )
                continue
            if not r.course and r.class_name not in class_course:
                issues.append(
                    ContentIssue(source, r.line, f"new class {r.class_name!r} needs its course")
                )
                continue
            if r.course:
                earlier = class_course.setdefault(r.class_name, (r.course, r.line))
                if earlier[0] != r.course:
                    issues.append(
                        ContentIssue(
                            source, r.line,
                            f"class {r.class_name!r} is on {earlier[0]!r} on line {earlier[1]}",
                        )
                    )  # fmt: skip
        if issues:
            raise ContentError(issues)  # the transaction rolls back: nothing changed
        created_classes = []
        for name, (slug, _) in class_course.items():
            if name in classes:
                continue
            row = SchoolClass(name=name, course_id=courses[slug], created_at=now)
            s.add(row)
            classes[name] = row
            created_classes.append(name)
        created: list[tuple[str, str, str]] = []
        for r in rows:
            if r.username in users:
                continue
            if r.username not in passwords:  # created by another process since we looked
                raise ContentError(
                    [ContentIssue(source, r.line, f"{r.username} appeared meanwhile: run again")]
                )
            user = User(
                username=r.username, display_name=r.display_name, password_hash=hashes[r.username],
                role=r.role.value, created_at=now, must_change_password=True,
            )  # fmt: skip
            s.add(user)
            users[r.username] = user
            created.append((r.username, r.role.value, passwords[r.username]))
        s.flush()
        for username, role, _ in created:
            if role == Role.LEARNER.value:
                s.add(
                    LearnerProfile(
                        user_id=users[username].id, interests="", preferred_modalities=[]
                    )
                )
        s.flush()
        added = kept = 0
        for r in rows:
            if enrol(s, classes[r.class_name], users[r.username], now):
                added += 1
            else:
                kept += 1
        linked = 0
        if identities:
            result, issues = link_rows(
                s, identities, source=identity_source, public_url=public_url, now=now
            )
            if issues:
                raise ContentError(issues)  # the transaction rolls back: nothing changed
            linked = result.linked
        record_event(
            s, actor=actor, action="roster.imported", subject=source, now=now,
            details={
                "accounts": len(created), "classes": created_classes, "memberships": added,
                "identities": linked,
            },
        )  # fmt: skip
        return RosterResult(created, created_classes, added, kept, linked)
