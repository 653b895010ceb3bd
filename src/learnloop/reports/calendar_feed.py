"""A learner's calendar feed, read through its link (services.calendar_feeds): the learner's open
assignments with a due day, in the course they follow. The link's secret is the only authority,
so an unknown or replaced one is NotFound, as if the feed never existed; and a learner who has
left every class, or follows no course, has an empty calendar rather than an error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from learnloop.domain import Role, Viewer
from learnloop.exceptions import NotFound
from learnloop.reports.assignments import AssignmentView, my_assignments
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import course_of_learner
from learnloop.storage.reminder_tables import calendar_token_hash
from learnloop.storage.tables import CalendarFeed, User

__all__ = ["CalendarView", "calendar_for_link", "my_calendar_link_since"]


@dataclass(frozen=True)
class CalendarView:
    user_id: int
    display_name: str
    course_title: str
    due: list[AssignmentView]  # open, with a due day, the soonest first


def calendar_for_link(db: Database, token: str) -> CalendarView:
    with db.reading() as s:
        feed = s.scalars(
            select(CalendarFeed).where(CalendarFeed.token_hash == calendar_token_hash(token))
        ).first()
        user = s.get(User, feed.user_id) if feed is not None else None
        if feed is None or user is None or user.role != Role.LEARNER.value:
            raise NotFound("no such calendar")
        viewer = Viewer(user.id, user.username, user.display_name, Role.LEARNER)
        try:
            course_id, course = course_of_learner(s, user.id)
        except NotFound:
            return CalendarView(user.id, user.display_name, "", [])
    due = [
        a
        for a in my_assignments(db, viewer, course_id, course)
        if not a.done and a.due_on is not None
    ]
    return CalendarView(user.id, user.display_name, course.title, due)


def my_calendar_link_since(db: Database, viewer: Viewer) -> datetime | None:
    """When the learner's current calendar link was made; None while they have none."""
    require_learner(viewer)
    with db.reading() as s:
        row = s.get(CalendarFeed, viewer.user_id)
        return row.created_at if row is not None else None
