"""Reminders, read: a learner's own settings, and the reminders due at a moment
(``learnloop remind`` sends them; services.reminders records what went out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select

from learnloop.config import PedagogySettings
from learnloop.domain import Role, Viewer
from learnloop.domain.language import Wording
from learnloop.domain.reminders import (
    PACE_WORTH_A_REMINDER,
    REMINDED_ROLES,
    AssignedWork,
    ClassDigest,
    ClassNews,
    Digest,
    reminder_due,
)
from learnloop.exceptions import NotFound
from learnloop.reports.class_glance import class_glance
from learnloop.reports.class_views import classes_for
from learnloop.reports.learner_courses import open_assignments_everywhere
from learnloop.reports.learner_views import LearnerHome, learner_home
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import FeedbackMessage, ItemReport, ReminderSubscription, User

__all__ = ["MyReminders", "due_class_digests", "due_digests", "my_reminders"]


@dataclass(frozen=True)
class MyReminders:
    email: str
    frequency: str
    language: str
    since: datetime
    last_sent_at: datetime | None


def my_reminders(db: Database, viewer: Viewer) -> MyReminders | None:
    """The learner's or educator's reminder settings; None while they have asked for none."""
    require_role(viewer, *REMINDED_ROLES)
    with db.reading() as s:
        row = s.get(ReminderSubscription, viewer.user_id)
        if row is None:
            return None
        return MyReminders(row.email, row.frequency, row.language, row.created_at,
                           row.last_sent_at)  # fmt: skip


def due_digests(
    db: Database,
    pedagogy: PedagogySettings,
    now: datetime,
    words_for: Callable[[str], Wording],
) -> list[Digest]:
    """The reminders due at ``now``: one per learner who asked for them, whose last one is a
    day or a week old (``domain.reminders.reminder_due``) and who has something waiting
    (``Digest.has_news``), written with ``words_for(their language)``. A learner not yet
    following a course has nothing waiting."""
    due = _due(db, Role.LEARNER, now)
    fresh: dict[int, int] = {}  # educators' messages since the last reminder
    answered: dict[int, int] = {}  # answers to their reports since, not seen on a page yet
    with db.reading() as s:

        def count(*where: ColumnElement[bool]) -> int:
            return int(s.scalar(select(func.count()).where(*where)) or 0)

        for sub, user in due:
            since = sub.last_sent_at or sub.created_at
            fresh[user.id] = count(
                FeedbackMessage.recipient_id == user.id, FeedbackMessage.created_at > since,
                FeedbackMessage.created_at <= now,
            )  # fmt: skip
            answered[user.id] = count(
                ItemReport.user_id == user.id, ItemReport.resolved_at > since,
                ItemReport.resolved_at <= now, ItemReport.answer_seen_at.is_(None),
            )  # fmt: skip
    out = []
    for sub, user in due:
        viewer = Viewer(user.id, user.username, user.display_name, Role.LEARNER)
        words = words_for(sub.language)
        try:
            home = learner_home(db, viewer, pedagogy, words=words, now=now)
        except NotFound:  # no course yet
            continue
        # not onboarded in the course followed (a class on a new course made it theirs): what
        # waits elsewhere, assignments and messages, is still worth the e-mail
        pace = home.pace if home.pace and home.pace.status in PACE_WORTH_A_REMINDER else None
        step = home.next_steps[0] if home.next_steps else None
        assignments, reviews_elsewhere = _in_every_course(db, viewer, home, now)
        digest = Digest(
            user_id=user.id,
            email=sub.email,
            language=sub.language,
            frequency=sub.frequency,
            display_name=user.display_name,
            course_title=home.course_title,
            reviews_due=home.reviews_due,
            pace=pace,
            assignments=assignments,
            reviews_elsewhere=reviews_elsewhere,
            new_messages=fresh[user.id],
            report_answers=answered[user.id],
            next_step=(step.title, step.reason_text) if step else None,
        )
        if digest.has_news:
            out.append(digest)
    return out


def _in_every_course(
    db: Database, viewer: Viewer, home: LearnerHome, now: datetime
) -> tuple[list[AssignedWork], list[tuple[str, int]]]:
    """The learner's open assignments in all their classes, the soonest due first (named with
    their course when it is not the one they follow), and (course, reviews due) of their other
    courses where reviews are due (``home.courses`` lists them when there are several)."""
    today = now.astimezone(UTC).date()
    current = next((c.course_id for c in home.courses if c.current), None)
    with db.reading() as s:
        everywhere = open_assignments_everywhere(s, viewer)
    work = [
        AssignedWork(
            c.assignment.activity_title, c.assignment.due_on, c.assignment.overdue(today),
            course="" if current is None or c.course_id == current else c.course_title,
        )
        for c in everywhere
    ]  # fmt: skip
    work.sort(key=lambda a: (a.due_on is None, a.due_on or today))
    reviews = [(c.title, c.reviews_due) for c in home.courses if not c.current and c.reviews_due]
    return work, reviews


def _due(db: Database, role: Role, now: datetime) -> list[tuple[ReminderSubscription, User]]:
    """Subscriptions of accounts with ``role`` whose last reminder is a day or a week old."""
    with db.reading() as s:
        rows = s.execute(
            select(ReminderSubscription, User)
            .join(User, User.id == ReminderSubscription.user_id)
            .where(User.role == role.value)
            .order_by(ReminderSubscription.user_id)
        ).all()
    return [(sub, user) for sub, user in rows if reminder_due(sub.frequency, sub.last_sent_at, now)]


def _replies(db: Database, educator_id: int, class_id: int, since: datetime, now: datetime) -> int:
    """Learners' replies to the educator in the class, sent after ``since`` and by ``now``."""
    with db.reading() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(FeedbackMessage)
                .where(
                    FeedbackMessage.recipient_id == educator_id,
                    FeedbackMessage.class_id == class_id,
                    FeedbackMessage.created_at > since,
                    FeedbackMessage.created_at <= now,
                )
            )
            or 0
        )


def due_class_digests(db: Database, pedagogy: PedagogySettings, now: datetime) -> list[ClassDigest]:
    """The educators' reminders due at ``now``: for each educator who asked, whose last one is
    a day or a week old, the classes they teach where learners are stuck or have gone quiet, work
    waits for feedback, learners replied to them or an assignment is overdue
    (``domain.reminders.ClassDigest``); none for an educator with none of these."""
    today = now.astimezone(UTC).date()
    out = []
    for sub, user in _due(db, Role.EDUCATOR, now):
        viewer = Viewer(user.id, user.username, user.display_name, Role.EDUCATOR)
        classes = []
        since = sub.last_sent_at or sub.created_at
        for summary in classes_for(db, viewer):
            if summary.ended_at is not None:  # an ended class needs nobody any more
                continue
            glance = class_glance(db, viewer, summary.id, pedagogy, today, now)
            replies = _replies(db, user.id, summary.id, since, now)
            if glance.anything or replies:
                news = ClassNews(summary.name, list(glance.stuck), glance.awaiting_feedback,
                                 replies, list(glance.overdue), list(glance.quiet),
                                 glance.quiet_days, glance.reported)  # fmt: skip
                classes.append(news)
        digest = ClassDigest(user.id, sub.email, sub.language, sub.frequency, user.display_name,
                             classes)  # fmt: skip
        if digest.has_news:
            out.append(digest)
    return out
