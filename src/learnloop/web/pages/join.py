"""Joining a class with its code: the learner's form and confirmation (/join), and the
educator's opening and closing of joining on the class page (services.class_codes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.exceptions import InvalidInput
from learnloop.reports.join_codes import join_preview
from learnloop.services.class_codes import close_joining, join_class, open_joining
from learnloop.storage.access import require_learner
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.teach import overview
from learnloop.web.rendering import redirect, render, said

router = APIRouter()


@router.get("/join", response_class=HTMLResponse)
def join_form(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    require_learner(viewer)
    context: dict[str, object] = {"preview": None, "code": "", "error": None}
    return render(request, platform, "learn/join.html", context, viewer=viewer)


@router.get("/join/{code}", response_class=HTMLResponse)
def join_confirm(
    request: Request, platform: PlatformDep, viewer: PageViewer, code: str
) -> Response:
    """What the code's link opens: the class, its course and who will see the learner's work,
    with one button to join."""
    try:
        preview = join_preview(platform.db, viewer, code)
    except InvalidInput as exc:
        refused: dict[str, object] = {
            "preview": None, "code": code, "error": said(request, platform, exc),
        }  # fmt: skip
        return render(request, platform, "learn/join.html", refused, viewer=viewer, status_code=404)
    context: dict[str, object] = {"preview": preview, "code": preview.code, "error": None}
    return render(request, platform, "learn/join.html", context, viewer=viewer)


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
            preview = join_preview(platform.db, viewer, code)
            shown: dict[str, object] = {"preview": preview, "code": preview.code, "error": None}
            return render(request, platform, "learn/join.html", shown, viewer=viewer)
        joined = join_class(platform.db, viewer, code=code)
    except InvalidInput as exc:
        refused: dict[str, object] = {
            "preview": None, "code": code, "error": said(request, platform, exc),
        }  # fmt: skip
        return render(request, platform, "learn/join.html", refused, viewer=viewer, status_code=400)
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
        if days.strip() and not days.strip().isdigit():
            raise InvalidInput("days", "give the days as a whole number, like 14")
        if days.strip():
            open_joining(platform.db, viewer, class_id=class_id, days=int(days))
        else:
            open_joining(platform.db, viewer, class_id=class_id)
    except InvalidInput as exc:
        return overview(
            request, platform, viewer, class_id, join_error=said(request, platform, exc), status=400
        )
    return redirect(f"/teach/classes/{class_id}#joining")


@router.post("/teach/classes/{class_id}/join-code/delete", dependencies=[CsrfChecked])
def close_code(platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    close_joining(platform.db, viewer, class_id=class_id)
    return redirect(f"/teach/classes/{class_id}#joining")
