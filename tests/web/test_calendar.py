"""A learner's calendar link: made on its page (shown once, only its hash kept), it serves an
iCalendar feed of their open assignments with a due day that a calendar program parses, and
follows the assignments (a moved due day moves the event, a done one leaves); a new link stops
the old one, stopping stops it, a link never shows another learner's due days and never reaches
the request log. The API makes
and stops the same link."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select

from learnloop.reports.assignments import class_assignments
from learnloop.services.assignments import assign_activity, change_due_day, mark_done
from learnloop.storage.tables import CalendarFeed
from tests.conftest import World
from tests.web.conftest import post

LINK = re.compile(r'id="calendar-link" value="http://[^/]+(/calendar/[^"]+\.ics)"')


def _events(client: TestClient, path: str) -> dict[str, tuple[date, str]]:
    """The feed's events by summary: (their day, their UID); the feed parsed as a calendar would."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert b"\r\n" in response.content  # RFC 5545 line ends
    cal = Calendar.from_ical(response.content)
    out = {}
    for event in cal.walk("VEVENT"):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert end - start == timedelta(days=1)  # an all-day event on the due day
        out[str(event["summary"])] = (start, str(event["uid"]))
    return out


def test_the_link_serves_the_learners_due_days_and_follows_them(
    clients: dict[str, TestClient], client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    learner = clients["learner"]
    page = learner.get("/learn/calendar").text
    assert "Make my calendar link" in page
    assert "calendar-link" not in page
    made = post(learner, "/learn/calendar")
    assert made.status_code == 200  # type: ignore[attr-defined]
    match = LINK.search(made.text)  # type: ignore[attr-defined]
    assert match, made.text  # type: ignore[attr-defined]
    path = match.group(1)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    with w.db.reading() as s:
        (stored,) = s.scalars(select(CalendarFeed.token_hash)).all()
    assert token not in stored
    assert len(stored) == 64
    again = learner.get("/learn/calendar").text
    assert "calendar-link" not in again
    assert "Make a new link" in again

    assert _events(client, path) == {}  # nothing due yet: an empty calendar, not an error
    due = (datetime.now(UTC) + timedelta(days=3)).date()
    for key, day in (("parts-read", due), ("parts-practice", None)):
        assign_activity(w.db, w.educator, class_id=w.class_id, learner_ids=[w.learner.user_id],
                        activity_key=key, note="Both questions, please.", due_on=day)  # fmt: skip
    assign_activity(w.db, w.educator, class_id=w.class_id, learner_ids=[w.other_learner.user_id],
                    activity_key="parts-practice", due_on=due)  # Omar's: never in Lea's feed  # fmt: skip
    reading = w.course.activities["parts-read"].title
    events = _events(client, path)  # anonymous: the link is the authority
    assert list(events) == [reading]  # no due day, no event; nobody else's
    day, uid = events[reading]
    assert day == due
    feed = client.get(path).text.replace("\r\n ", "")  # unfolded
    assert "Teacher: Both questions\\, please." in feed  # the note, escaped as RFC 5545 says
    # the activity's address in its course: it opens whichever course Lea follows then
    assert f"/learn/courses/{w.course_id}/activities/parts-read" in feed

    act = next(a for a in class_assignments(w.db, w.educator, w.class_id).assignments
               if a.activity_key == "parts-read")  # fmt: skip
    change_due_day(w.db, w.educator, class_id=w.class_id, assignment_id=act.id,
                   due_on=due + timedelta(days=2))  # fmt: skip
    assert _events(client, path) == {reading: (due + timedelta(days=2), uid)}  # moved, same UID
    mark_done(w.db, w.learner, act.id)
    assert _events(client, path) == {}  # done: gone


def test_a_new_link_stops_the_old_and_stopping_stops_it(
    clients: dict[str, TestClient], client: TestClient, tokens: dict[str, str | None],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    learner = clients["learner"]
    first = LINK.search(post(learner, "/learn/calendar").text)  # type: ignore[attr-defined]
    second = LINK.search(post(learner, "/learn/calendar").text)  # type: ignore[attr-defined]
    assert first
    assert second
    assert first.group(1) != second.group(1)
    assert client.get(first.group(1)).status_code == 404  # replaced: as if it never was
    assert client.get(second.group(1)).status_code == 200
    with caplog.at_level(logging.INFO, logger="learnloop.request"):
        client.get(second.group(1))
    (logged,) = [r for r in caplog.records if r.name == "learnloop.request"]
    assert logged.path == "/calendar/{token}.ics"  # type: ignore[attr-defined]
    assert second.group(1) not in logged.getMessage()  # the secret is never in the log
    stopped = post(learner, "/learn/calendar/stop")
    assert stopped.headers["location"] == "/learn/calendar?stopped=1"  # type: ignore[attr-defined]
    assert client.get(second.group(1)).status_code == 404
    assert client.get("/calendar/not-a-link.ics").status_code == 404

    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    made = client.put("/api/v1/me/calendar", headers=lea)
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.endswith(".ics")
    path = "/calendar/" + url.rsplit("/calendar/", 1)[1]
    assert client.get(path).status_code == 200
    assert client.delete("/api/v1/me/calendar", headers=lea).status_code == 204
    assert client.get(path).status_code == 404
