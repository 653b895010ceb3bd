"""A learner's calendar link (product.md, Autonomy): their assignments' due days as a calendar
feed that Google Calendar, Outlook or a phone's calendar subscribes to, so that a due day an
educator moves, or an assignment withdrawn, shows there at the calendar's next refresh.

The link carries a random secret (256 bits) and is the only authority for the feed, since a
calendar program cannot log in; only the secret's SHA-256 is stored, as for sessions, so the link
is shown once, when it is made. A new link replaces the old one (which then stops working), and
stopping deletes the row. Only learners have one: what it lists is their own assignments.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from learnloop.domain import Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.secret_digest import secret_digest
from learnloop.storage.tables import CalendarFeed

__all__ = ["make_calendar_link", "stop_calendar_link"]


def make_calendar_link(db: Database, viewer: Viewer, now: datetime | None = None) -> str:
    """A new secret for the learner's calendar link (replacing any earlier one); shown once."""
    require_learner(viewer)
    token = secrets.token_urlsafe(32)
    with db.transaction() as s:
        row = s.get(CalendarFeed, viewer.user_id)
        if row is None:
            s.add(CalendarFeed(user_id=viewer.user_id, token_hash=secret_digest(token),
                               created_at=now or datetime.now(UTC)))  # fmt: skip
        else:
            row.token_hash, row.created_at = secret_digest(token), now or datetime.now(UTC)
    return token


def stop_calendar_link(db: Database, viewer: Viewer) -> bool:
    """The learner's link stops working; whether there was one."""
    require_learner(viewer)
    with db.transaction() as s:
        row = s.get(CalendarFeed, viewer.user_id)
        if row is None:
            return False
        s.delete(row)
        return True
