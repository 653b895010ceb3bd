"""A learner's due days as an iCalendar feed (RFC 5545), written with the icalendar library (it
escapes text, folds long lines and writes dates as calendar programs read them).

Each open assignment with a due day is an all-day event on that day, named after the activity (in
the course's own words, so the feed needs no language of its own), with the educator's note and
a link to the activity; its UID stays the same while the assignment lives, so a calendar moves
the event when the due day moves and drops it when it is done or withdrawn. Events are marked
free time (TRANSP:TRANSPARENT): a due day is a reminder, not a meeting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from fastapi.responses import Response
from icalendar import Calendar, Event

from learnloop.reports.calendar_feed import CalendarView

__all__ = ["calendar_response", "feed_url"]

PRODUCT_ID = "-//learnloop//assignments//EN"


def feed_url(public_url: str, token: str) -> str:
    """The link a calendar subscribes to (web.pages.calendar serves it)."""
    return f"{public_url.rstrip('/')}/calendar/{token}.ics"


def calendar_response(view: CalendarView, *, public_url: str, now: datetime) -> Response:
    base = public_url.rstrip("/")
    host = urlsplit(base).hostname or "learnloop"
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    titles = view.course_titles
    cal.add("x-wr-calname", f"learnloop · {titles[0]}" if len(titles) == 1 else "learnloop")
    for c in view.due:
        a = c.assignment
        assert a.due_on is not None  # the report lists only assignments with a due day
        event = Event()
        event.add("uid", f"learnloop-assignment-{a.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", a.due_on)
        event.add("dtend", a.due_on + timedelta(days=1))
        # in a calendar of several courses, each event says which
        event.add("summary", a.activity_title if len(titles) == 1
                  else f"{a.activity_title} · {c.course_title}")  # fmt: skip
        link = f"{base}{c.link}"
        event.add("description", "\n".join(x for x in (f"{a.educator}: {a.note}" if a.note
                                                         else a.educator, link) if x))  # fmt: skip
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return Response(
        cal.to_ical(),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": 'inline; filename="learnloop.ics"',
        },
    )
