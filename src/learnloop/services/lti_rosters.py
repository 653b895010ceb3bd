"""Rosters from LTI platforms (Names and Role Provisioning Services): ``learnloop lti-sync`` reads
the members of every platform course whose launches offered the service, and makes and enrols
their accounts as their first launch would, so that the educator sees the whole class before
everyone has opened learnloop.

Only additions: a member the platform marks inactive, or no longer lists, keeps their account,
their membership and their record (an admin removes people; nothing is lost to a roster's
hiccup). A member whose roles now say the other kind of account is reported and left as they are,
as a launch would be refused. Each course is one transaction: a page that fails to load leaves the
class as it was, for the next run. A class an admin ended is left as it is, and not read at all,
until an admin reopens it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from learnloop.adapters.lti import (
    MEMBERSHIP_MEDIA_TYPE,
    ROSTER_SCOPE,
    LaunchRefused,
    Member,
    members,
    next_page,
)
from learnloop.exceptions import InvalidInput
from learnloop.services.courses import enrol
from learnloop.services.lti import person_account
from learnloop.services.lti_calls import PlatformError, Tokens, get, json_of
from learnloop.storage import Database
from learnloop.storage.tables import LtiContext, LtiPlatform, SchoolClass

__all__ = ["MAX_ROSTER_PAGES", "RosterReport", "sync_rosters"]

# Pages of one course's roster read at most in a run: a platform that keeps answering "next"
# cannot keep the command busy for ever (at the usual 100 members a page, 100,000 members).
MAX_ROSTER_PAGES = 1000


@dataclass
class RosterReport:
    added: int = 0  # memberships made
    already: int = 0  # members who were in their class
    skipped: list[str] = field(default_factory=list)  # "platform, course: member: why"
    failed: list[str] = field(default_factory=list)  # "platform, course: why" (nothing changed)
    ended: list[str] = field(default_factory=list)  # "platform, course: class" left as it was


def _roster(url: str, token: str) -> list[Member]:
    found: list[Member] = []
    pages = 0
    while url and pages < MAX_ROSTER_PAGES:
        body, link = get(url, {"Accept": MEMBERSHIP_MEDIA_TYPE, "Authorization": f"Bearer {token}"})
        container = json_of(body, url)
        try:
            found.extend(members(container))
        except LaunchRefused as exc:
            raise PlatformError(f"{url}: {exc}") from None
        url, pages = next_page(link), pages + 1
    return found


def sync_rosters(
    db: Database,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], Any] | None = None,
) -> RosterReport:
    """Read and apply every offered roster (see the module's docstring)."""
    now = now or datetime.now(UTC)
    with db.reading() as s:
        contexts = s.execute(
            select(
                LtiContext.platform_id, LtiContext.context_id, LtiContext.class_id,
                LtiContext.memberships_url, SchoolClass.name, SchoolClass.ended_at,
            )
            .join(SchoolClass, SchoolClass.id == LtiContext.class_id)
            .where(LtiContext.memberships_url != "")
        ).all()  # fmt: skip
        platforms = {p.id: p for p in s.scalars(select(LtiPlatform))}
    report = RosterReport()
    tokens = Tokens(db, ROSTER_SCOPE, now)
    for n, (platform_id, context_id, class_id, url, name, ended_at) in enumerate(contexts, 1):
        platform = platforms[platform_id]
        where = f"{platform.name}, course {context_id}"
        if ended_at is not None:  # no call to the platform for a class that takes nobody new
            report.ended.append(f"{where}: {name}")
        else:
            try:
                roster = _roster(url, tokens.of(platform))
            except PlatformError as exc:
                report.failed.append(f"{where}: {exc}")
            else:
                _apply(db, platform, class_id, roster, where, report, now)
        if progress is not None:
            progress(n, len(contexts))
    return report


def _apply(
    db: Database, platform: LtiPlatform, class_id: int, roster: list[Member], where: str,
    report: RosterReport, now: datetime,
) -> None:  # fmt: skip
    with db.transaction() as s:
        school_class = s.get(SchoolClass, class_id)
        if school_class is None:  # pragma: no cover - the context row cascades with its class
            return
        if school_class.ended_at is not None:  # pragma: no cover - ended while it was read
            report.ended.append(f"{where}: {school_class.name}")
            return
        for member in roster:
            if not member.active:
                continue
            try:  # a refusal comes before person_account changes anything
                user = person_account(
                    s, platform, subject=member.user_id, name=member.name, roles=member.roles,
                    now=now,
                )  # fmt: skip
            except InvalidInput as exc:
                report.skipped.append(f"{where}: {member.name or member.user_id}: {exc.message}")
                continue
            if enrol(s, school_class, user, now):
                report.added += 1
            else:
                report.already += 1
