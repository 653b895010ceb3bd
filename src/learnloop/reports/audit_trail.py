"""The whole audit trail, for the administrators who answer for the data: every change kept for
accountability (services.audit), newest first, found by who made it, what it was, what it was
about and when, a page at a time, and as a spreadsheet of everything a search finds.

The admin page shows the latest changes; this is the rest: who deleted which account, who
downloaded which class's records, which roster or course came in and from whom."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput
from learnloop.reports.class_exports import ExportTable
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import AuditEvent
from learnloop.storage.text_search import contains_text

__all__ = ["AUDIT_PAGE", "AuditEntry", "AuditPage", "AuditSearch", "audit_table", "audit_trail"]

# Changes a page: enough to read a day of a school's administration at once, light to load.
AUDIT_PAGE = 50
_MAX_TEXT = 200  # as long as a subject may be
_DETAILS_SHOWN = 300  # characters of a change's details on the page (the download has them all)


@dataclass(frozen=True)
class AuditSearch:
    """What to look for; empty text and no day mean: any."""

    actor: str = ""  # a part of the username that made the change ("operator": the command line)
    action: str = ""  # one action exactly, like account.deleted
    subject: str = ""  # a part of what it was about
    since: date | None = None  # from this UTC day on
    until: date | None = None  # to this UTC day, included

    @classmethod
    def typed(cls, actor: str, action: str, subject: str, since: str, until: str) -> AuditSearch:
        """The search a form or a link asks for, its days as YYYY-MM-DD (InvalidInput names a
        day that is not one)."""
        return cls(actor, action, subject, _day("since", since), _day("until", until))

    def checked(self) -> AuditSearch:
        for field, text in (("actor", self.actor), ("action", self.action),
                            ("subject", self.subject)):  # fmt: skip
            if len(text.strip()) > _MAX_TEXT:
                raise InvalidInput(field, "use at most %(max)s characters", max=_MAX_TEXT)
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("until", "the last day comes before the first")
        return AuditSearch(self.actor.strip(), self.action.strip(), self.subject.strip(),
                           self.since, self.until)  # fmt: skip

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.actor:
            out.append(contains_text(AuditEvent.actor, self.actor))
        if self.action:
            out.append(AuditEvent.action == self.action)
        if self.subject:
            out.append(contains_text(AuditEvent.subject, self.subject))
        if self.since:
            out.append(AuditEvent.at >= datetime.combine(self.since, time(), UTC))
        if self.until:
            out.append(
                AuditEvent.at < datetime.combine(self.until + timedelta(days=1), time(), UTC)
            )
        return out


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    subject: str
    details: dict[str, Any]

    @property
    def shown(self) -> str:
        """The details as compact JSON, cut to what a page row shows."""
        text = _compact(self.details)
        return text if len(text) <= _DETAILS_SHOWN else text[: _DETAILS_SHOWN - 1] + "…"


@dataclass(frozen=True)
class AuditPage:
    search: AuditSearch
    total: int  # changes that match
    offset: int
    entries: list[AuditEntry]
    actions: list[str]  # every action the trail holds, for the search form

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.entries)
        return following if following < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - AUDIT_PAGE) if self.offset > 0 else None


def _day(field: str, text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, "give a day as YYYY-MM-DD, like 2026-09-01") from None


def _compact(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def audit_trail(
    db: Database, viewer: Viewer, search: AuditSearch, *, offset: int = 0, limit: int = AUDIT_PAGE
) -> AuditPage:
    """The changes that match ``search``, newest first (admins)."""
    require_role(viewer, Role.ADMIN)
    search = search.checked()
    if offset < 0 or not 1 <= limit <= AUDIT_PAGE:
        raise InvalidInput("offset", "ask for 1 to %(max)s changes from 0 on", max=AUDIT_PAGE)
    where = search.conditions()
    with db.reading() as s:
        total = s.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
        rows = s.scalars(
            select(AuditEvent).where(*where)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)
        ).all()  # fmt: skip
        actions = list(s.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    entries = [AuditEntry(r.at, r.actor, r.action, r.subject, r.details) for r in rows]
    return AuditPage(search, total, offset, entries, actions)


def audit_table(db: Database, viewer: Viewer, search: AuditSearch) -> ExportTable:
    """Every change that matches, newest first, with its details whole, as a spreadsheet."""
    require_role(viewer, Role.ADMIN)
    search = search.checked()
    where = search.conditions()

    def rows() -> Iterator[tuple[str, ...]]:
        with db.reading() as s:
            for r in s.scalars(
                select(AuditEvent).where(*where)
                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                .execution_options(yield_per=500)
            ):  # fmt: skip
                at = r.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
                yield (at, r.actor, r.action, r.subject, _compact(r.details))

    return ExportTable("audit-trail", ("at_utc", "actor", "action", "subject", "details"), rows())
