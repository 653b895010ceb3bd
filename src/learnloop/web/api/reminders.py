"""E-mail reminders as JSON (the page's twin): the learner reads, sets and stops their own; and
their calendar link, made anew or stopped."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from learnloop.exceptions import InvalidInput
from learnloop.reports.reminders import my_reminders
from learnloop.services.calendar_feeds import make_calendar_link, stop_calendar_link
from learnloop.services.reminders import stop_reminders, want_reminders
from learnloop.web.calendar_download import feed_url
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["reminders"])


class RemindersIn(BaseModel):
    email: str = Field(max_length=320)
    frequency: str = Field(default="weekly", max_length=16)  # daily | weekly
    # One learnloop speaks; the request's Accept-Language chooses when it is left out.
    language: str | None = Field(default=None, max_length=16)


class RemindersOut(BaseModel):
    email: str
    frequency: str
    language: str
    since: datetime
    last_sent_at: datetime | None


@router.get("/me/reminders", response_model=RemindersOut)
def mine(platform: PlatformDep, viewer: ApiViewer) -> RemindersOut | Response:
    found = my_reminders(platform.db, viewer)
    if found is None:
        return Response(status_code=204)
    return RemindersOut(email=found.email, frequency=found.frequency, language=found.language,
                        since=found.since, last_sent_at=found.last_sent_at)  # fmt: skip


@router.put("/me/reminders", status_code=204)
def set_mine(
    body: RemindersIn, request: Request, platform: PlatformDep, viewer: ApiViewer
) -> Response:
    language = body.language
    if language is None:
        language = platform.catalogs.choose(None, request.headers.get("accept-language"))
    elif not platform.catalogs.speaks(language):
        raise InvalidInput(
            "language", "one of %(languages)s", languages=", ".join(platform.catalogs.languages)
        )
    want_reminders(
        platform.db, viewer, email=body.email, frequency=body.frequency, language=language
    )
    return Response(status_code=204)


@router.delete("/me/reminders", status_code=204)
def stop_mine(platform: PlatformDep, viewer: ApiViewer) -> Response:
    stop_reminders(platform.db, viewer)
    return Response(status_code=204)


class CalendarLinkOut(BaseModel):
    url: str  # shown once: only its hash is kept


@router.put("/me/calendar", response_model=CalendarLinkOut, status_code=201)
def calendar_link(platform: PlatformDep, viewer: ApiViewer) -> CalendarLinkOut:
    """A new calendar link for the learner's due days (the old one, if any, stops)."""
    token = make_calendar_link(platform.db, viewer)
    return CalendarLinkOut(url=feed_url(platform.settings.public_url, token))


@router.delete("/me/calendar", status_code=204)
def stop_calendar(platform: PlatformDep, viewer: ApiViewer) -> None:
    """The learner's calendar link stops working (204 whether or not there was one)."""
    stop_calendar_link(platform.db, viewer)
