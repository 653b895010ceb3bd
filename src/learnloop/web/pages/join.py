"""Joining a class with its code: the learner's form and confirmation (/join), and the
educator's opening and closing of joining on the class page (services.class_codes); and the
learner leaving a class, from their account page (services.classes.leave_class)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.exceptions import InvalidInput
from learnloop.reports.join_codes import JoinPreview, join_preview
from learnloop.reports.learner_classes import my_class
from learnloop.services.class_codes import (
    DEFAULT_CODE_DAYS,
    close_joining,
    join_class,
    open_joining,
)
from learnloop.services.classes import leave_class
from learnloop.storage.access import require_learner
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.teach import class_page
from learnloop.web.rendering import redirect, render, said

router = APIRouter()


def _join_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    *,
    preview: JoinPreview | None = None,
    code: str = "",
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    """The code form, or the confirmation of what a code joins; with the error a code met."""
    context = {
        "preview": preview,
        "code": preview.code if preview else code,
        "error": said(request, platform, error) if error else None,
    }
    return render(request, platform, "learn/join.html", context, viewer=viewer, status_code=status)


@router.get("/join", response_class=HTMLResponse)
def join_form(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    require_learner(viewer)
    return _join_page(request, platform, viewer)


@router.get("/join/{code}", response_class=HTMLResponse)
def join_confirm(
    request: Request, platform: PlatformDep, viewer: PageViewer, code: str
) -> Response:
    """What the code's link opens: the class, its course and who will see the learner's work,
    with one button to join."""
    try:
        preview = join_preview(platform.db, viewer, code)
    except InvalidInput as exc:
        return _join_page(request, platform, viewer, code=code, error=exc, status=404)
    return _join_page(request, platform, viewer, preview=preview)


@router.post("/join", dependencies=[CsrfChecked])
def join(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    code: Annotated[str, Form(max_length=64)] = "",
    confirmed: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """A typed code shows the confirmation first; the confirmation's button joins."""
    try:
        if confirmed != "yes":
            return _join_page(
                request, platform, viewer, preview=join_preview(platform.db, viewer, code)
            )
        joined = join_class(platform.db, viewer, code=code)
    except InvalidInput as exc:
        return _join_page(request, platform, viewer, code=code, error=exc, status=400)
    return redirect(f"/learn?joined={joined.class_id}")


@router.post("/teach/classes/{class_id}/join-code", dependencies=[CsrfChecked])
def open_code(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    days: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    try:
        text = days.strip() or str(DEFAULT_CODE_DAYS)
        if not text.isdigit():
            raise InvalidInput("days", "give the days as a whole number, like 14")
        open_joining(platform.db, viewer, class_id=class_id, days=int(text))
    except InvalidInput as exc:
        extra = {"join_error": said(request, platform, exc)}
        return class_page(request, platform, viewer, class_id, extra=extra, status=400)
    return redirect(f"/teach/classes/{class_id}#joining")


@router.post("/teach/classes/{class_id}/join-code/delete", dependencies=[CsrfChecked])
def close_code(platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    close_joining(platform.db, viewer, class_id=class_id)
    return redirect(f"/teach/classes/{class_id}#joining")


@router.get("/account/classes/{class_id}/leave", response_class=HTMLResponse)
def leave_confirm(
    request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int
) -> Response:
    """What leaving means, said before the one button that does it."""
    context = {"c": my_class(platform.db, viewer, class_id)}
    return render(request, platform, "learn/leave.html", context, viewer=viewer)


@router.post("/account/classes/{class_id}/leave", dependencies=[CsrfChecked])
def leave(platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    leave_class(platform.db, viewer, class_id=class_id)
    return redirect("/account/data?left=1#classes")
