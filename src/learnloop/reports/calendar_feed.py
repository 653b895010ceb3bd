"""A learner's calendar feed, read through its link (services.calendar_feeds): the learner's open
assignments with a due day, in every class they are in, whichever course they follow at the
moment. The link's secret is the only authority, so an unknown or replaced one is NotFound, as if
the feed never existed; and a learner who has left every class has an empty calendar rather than
an error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from learnloop.domain import Role, Viewer
from learnloop.exceptions import NotFound
from learnloop.reports.learner_courses import (
    CourseAssignment,
    class_courses,
    open_assignments_everywhere,
)
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.secret_digest import secret_digest
from learnloop.storage.tables import CalendarFeed, User

__all__ = ["CalendarView", "calendar_for_link", "my_calendar_link_since"]


@dataclass(frozen=True)
class CalendarView:
    user_id: int
    display_name: str
    course_titles: list[str]  # of the learner's classes' courses, by title
    due: list[CourseAssignment]  # open, with a due day, course by course


def calendar_for_link(db: Database, token: str) -> CalendarView:
    with db.reading() as s:
        feed = s.scalars(
            select(CalendarFeed).where(CalendarFeed.token_hash == secret_digest(token))
        ).first()
        user = s.get(User, feed.user_id) if feed is not None else None
        if feed is None or user is None or user.role != Role.LEARNER.value:
            raise NotFound("no such calendar")
        viewer = Viewer(user.id, user.username, user.display_name, Role.LEARNER)
        courses = class_courses(s, user.id)
        due = [c for c in open_assignments_everywhere(s, viewer, courses) if c.assignment.due_on]
    return CalendarView(user.id, user.display_name, [title for _, title in courses], due)


def my_calendar_link_since(db: Database, viewer: Viewer) -> datetime | None:
    """When the learner's current calendar link was made; None while they have none."""
    require_learner(viewer)
    with db.reading() as s:
        row = s.get(CalendarFeed, viewer.user_id)
        return row.created_at if row is not None else None
