"""Reports of a problem with a question (services.item_reports), as their readers see them: the
learner, their own on the items of their course; an educator, those of their class's learners on
the class's course; an admin, all of a course's. Open reports come first, oldest first (the
longest waiting), then the answered ones, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from learnloop.domain import Course, Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_learner, require_role
from learnloop.storage.course_store import course_by_id, course_by_slug, course_of_learner
from learnloop.storage.tables import ClassMember, ItemReport, User

__all__ = [
    "ItemReportRow",
    "MyReport",
    "class_item_reports",
    "course_item_reports",
    "latest_reports_in",
    "my_item_reports",
    "new_answers",
    "open_reports_by_item",
    "open_reports_in_class",
]

# Answered reports older than the newest this many are left off the educators' and admins'
# lists: they are in the audit trail, and a list that only grows stops being read.
ANSWERED_SHOWN = 50


@dataclass(frozen=True)
class ItemReportRow:
    id: int
    learner_id: int
    learner: str  # display name ("" in the learner's own list)
    username: str
    activity_key: str
    item_key: str
    prompt: str | None  # the item's sanitized prompt, None once the course has dropped it
    kind: str  # domain.item_reports.REPORT_KINDS
    comment: str  # plain text: the templates escape it
    at: datetime
    resolved_at: datetime | None
    reply: str  # plain text
    activity_title: str | None = None  # None once the course has dropped the activity
    answer_seen_at: datetime | None = None  # when the learner first saw the answer

    @property
    def answer_new(self) -> bool:
        """Answered, and the learner has not seen it yet."""
        return self.resolved_at is not None and self.answer_seen_at is None

    @property
    def open(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True)
class MyReport:
    """A learner's latest report on one item, as the learner sees it under the question."""

    id: int
    kind: str
    comment: str  # plain text
    at: datetime
    resolved_at: datetime | None
    reply: str  # plain text
    answer_seen_at: datetime | None

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    @property
    def answer_new(self) -> bool:
        return self.resolved_at is not None and self.answer_seen_at is None


def latest_reports_in(
    s: Session, user_id: int, course_id: int, item_keys: Sequence[str]
) -> dict[str, MyReport]:
    """In the caller's read, one query: the learner's latest report on each of ``item_keys``
    that they reported (asked on every activity page)."""
    out: dict[str, MyReport] = {}
    for r in s.scalars(
        select(ItemReport)
        .where(
            ItemReport.user_id == user_id,
            ItemReport.course_id == course_id,
            ItemReport.item_key.in_(list(item_keys)),
        )
        .order_by(ItemReport.id)
    ):
        out[r.item_key] = MyReport(
            r.id, r.kind, r.comment, r.created_at, r.resolved_at, r.reply, r.answer_seen_at
        )
    return out


def _rows(db: Database, query: Select[ItemReport, User], course: Course) -> list[ItemReportRow]:
    with db.reading() as s:
        waiting = list(
            s.execute(
                query.where(ItemReport.resolved_at.is_(None)).order_by(
                    ItemReport.created_at, ItemReport.id
                )
            )
        )
        answered = list(
            s.execute(
                query.where(ItemReport.resolved_at.is_not(None))
                .order_by(ItemReport.resolved_at.desc(), ItemReport.id.desc())
                .limit(ANSWERED_SHOWN)
            )
        )
    return [
        ItemReportRow(
            r.id, r.user_id, u.display_name, u.username, r.activity_key, r.item_key,
            course.items[r.item_key].prompt if r.item_key in course.items else None,
            r.kind, r.comment, r.created_at, r.resolved_at, r.reply,
            course.activities[r.activity_key].title if r.activity_key in course.activities
            else None,
            r.answer_seen_at,
        )
        for r, u in waiting + answered
    ]  # fmt: skip


def _of_course(course_id: int) -> Select[ItemReport, User]:
    return (
        select(ItemReport, User)
        .join(User, User.id == ItemReport.user_id)
        .where(ItemReport.course_id == course_id)
    )


def my_item_reports(db: Database, viewer: Viewer) -> list[ItemReportRow]:
    """The learner's own reports on their course's items, each item's latest only."""
    require_learner(viewer)
    with db.reading() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
    latest: dict[str, ItemReportRow] = {}
    query = _of_course(course_id).where(ItemReport.user_id == viewer.user_id)
    for row in sorted(_rows(db, query, course), key=lambda r: r.id):
        latest[row.item_key] = row
    return sorted(latest.values(), key=lambda r: r.id, reverse=True)


def new_answers(db: Database, viewer: Viewer) -> list[ItemReportRow]:
    """The answers to the learner's reports on their course they have not seen yet, newest
    first: their home tells them."""
    return [r for r in my_item_reports(db, viewer) if r.answer_new]


def class_item_reports(db: Database, viewer: Viewer, class_id: int) -> list[ItemReportRow]:
    """The reports of the class's learners on the class's course, for its educators."""
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
    learners = select(ClassMember.user_id).where(
        ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value
    )
    query = _of_course(school_class.course_id).where(ItemReport.user_id.in_(learners))
    return _rows(db, query, course)


def course_item_reports(db: Database, viewer: Viewer, slug: str) -> list[ItemReportRow]:
    """Every learner's reports on the course's items, for an admin (in a class or not)."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        course_id, course = course_by_slug(s, slug)
    return _rows(db, _of_course(course_id), course)


def open_reports_by_item(db: Database, viewer: Viewer, class_id: int) -> dict[str, int]:
    """Per item, how many reports of the class's learners on its course wait for a look (one
    grouped query); items without any are left out."""
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        return {
            str(key): int(n)
            for key, n in s.execute(
                select(ItemReport.item_key, func.count())
                .where(
                    ItemReport.course_id == school_class.course_id,
                    ItemReport.resolved_at.is_(None),
                    ItemReport.user_id.in_(
                        select(ClassMember.user_id).where(
                            ClassMember.class_id == class_id,
                            ClassMember.role == Role.LEARNER.value,
                        )
                    ),
                )
                .group_by(ItemReport.item_key)
            )
        }


def open_reports_in_class(db: Database, viewer: Viewer, class_id: int) -> int:
    """How many reports of the class's learners on its course wait for a look."""
    return sum(open_reports_by_item(db, viewer, class_id).values())
