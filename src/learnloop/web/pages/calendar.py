"""A learner's calendar link: the page to make one, make a new one or stop it
(``/learn/calendar``, services.calendar_feeds), and the feed the link serves
(``/calendar/{secret}.ics``, reports.calendar_feed, web.calendar_download).

The feed is read by calendar programs, which cannot log in: the link's secret is its only
authority (an unknown one is 404), and it can only read one learner's due days. A new link is
shown on the page that made it, once; only its hash is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.reports.calendar_feed import calendar_for_link, my_calendar_link_since
from learnloop.services.calendar_feeds import make_calendar_link, stop_calendar_link
from learnloop.web.calendar_download import calendar_response, feed_url
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.rendering import redirect, render

router = APIRouter()


def _page(
    request: Request, platform: PlatformDep, viewer: PageViewer, *, new_link: str = "",
    stopped: bool = False,
) -> Response:  # fmt: skip
    context = {
        "since": my_calendar_link_since(platform.db, viewer), "new_link": new_link,
        "stopped": stopped,
    }  # fmt: skip
    return render(request, platform, "learn/calendar.html", context, viewer=viewer)


@router.get("/learn/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request, platform: PlatformDep, viewer: PageViewer, stopped: int = 0
) -> Response:
    return _page(request, platform, viewer, stopped=bool(stopped))


@router.post("/learn/calendar", dependencies=[CsrfChecked])
def make_link(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    """A new link, shown on this response only (never in a redirect's URL, where logs keep it)."""
    token = make_calendar_link(platform.db, viewer)
    return _page(request, platform, viewer, new_link=feed_url(platform.settings.public_url, token))


@router.post("/learn/calendar/stop", dependencies=[CsrfChecked])
def stop_link(platform: PlatformDep, viewer: PageViewer) -> Response:
    stop_calendar_link(platform.db, viewer)
    return redirect("/learn/calendar?stopped=1")


@router.get("/calendar/{token}.ics")
def feed(token: Annotated[str, Path(max_length=128)], platform: PlatformDep) -> Response:
    view = calendar_for_link(platform.db, token)
    return calendar_response(view, public_url=platform.settings.public_url, now=datetime.now(UTC))
