"""E-mail reminders: the learner's and the educator's own pages to ask for them or stop them
(``/learn/reminders``, ``/teach/reminders``: the same page, each at its home), and the page a
reminder's link opens to stop them without logging in (services.reminders).

The link stops nothing on GET: mail filters and link checkers open links, and a reminder must not
stop itself because a scanner looked at it. Its page holds one button, which POSTs; mail
programs that offer "unsubscribe" POST to the same address themselves (RFC 8058), so that POST
takes no CSRF token: the link's own HMAC is its authority, and it can do only this one thing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.domain import Viewer
from learnloop.domain.reminders import FREQUENCIES
from learnloop.exceptions import InvalidInput, PermissionDenied
from learnloop.reports.reminders import my_reminders
from learnloop.services.reminders import (
    stop_reminders,
    stop_reminders_with_token,
    want_reminders,
)
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.navigation import HOME
from learnloop.web.rendering import language_of, redirect, render, said

router = APIRouter()

_TOKEN = Annotated[str, Query(max_length=128)]


def _page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    *,
    error: str | None = None,
    entered: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    mine = my_reminders(platform.db, viewer)
    context = {
        "base": HOME[viewer.role],
        "mine": mine,
        "frequencies": list(FREQUENCIES),
        "mail_ready": bool(platform.settings.smtp_url),
        "error": error,
        "entered": entered or {},
    }
    return render(
        request, platform, "learn/reminders.html", context, viewer=viewer, status_code=status
    )


def _on(viewer: Viewer, base: str) -> None:
    """Each role's page is at its own home, as the rest of its pages: /learn/... is for
    learners, /teach/... for educators (an administrator's home has none)."""
    if HOME[viewer.role] != base:
        role = next(r for r, home in HOME.items() if home == base)
        raise PermissionDenied("this is for %(names)s accounts", names=role.value)


@router.get("/learn/reminders", response_class=HTMLResponse)
@router.get("/teach/reminders", response_class=HTMLResponse)
def reminders_page(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    _on(viewer, _base(request))
    return _page(request, platform, viewer)


@router.post("/learn/reminders", dependencies=[CsrfChecked])
@router.post("/teach/reminders", dependencies=[CsrfChecked])
def reminders_set(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    email: Annotated[str, Form(max_length=320)] = "",
    frequency: Annotated[str, Form(max_length=16)] = "weekly",
) -> Response:
    _on(viewer, _base(request))
    try:
        want_reminders(
            platform.db, viewer, email=email, frequency=frequency,
            language=language_of(request, platform),
        )  # fmt: skip
    except InvalidInput as exc:
        return _page(request, platform, viewer, error=said(request, platform, exc),
                     entered={"email": email, "frequency": frequency}, status=400)  # fmt: skip
    return redirect(f"{HOME[viewer.role]}/reminders")


@router.post("/learn/reminders/stop", dependencies=[CsrfChecked])
@router.post("/teach/reminders/stop", dependencies=[CsrfChecked])
def reminders_stop(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    _on(viewer, _base(request))
    stop_reminders(platform.db, viewer)
    return redirect(f"{HOME[viewer.role]}/reminders")


def _base(request: Request) -> str:
    return "/teach" if request.url.path.startswith("/teach/") else "/learn"


@router.get("/reminders/stop", response_class=HTMLResponse)
def stop_link_page(
    request: Request, platform: PlatformDep, user: Annotated[int, Query()], token: _TOKEN
) -> Response:
    context = {"user": user, "token": token, "stopped": None}
    return render(request, platform, "reminders_stop.html", context)


@router.post("/reminders/stop", response_class=HTMLResponse)
def stop_link(
    request: Request, platform: PlatformDep, user: Annotated[int, Query()], token: _TOKEN
) -> Response:
    stopped = stop_reminders_with_token(
        platform.db, secret=platform.secret_key, user_id=user, token=token
    )
    context = {"user": user, "token": token, "stopped": stopped}
    return render(request, platform, "reminders_stop.html", context,
                  status_code=200 if stopped else 404)  # fmt: skip
