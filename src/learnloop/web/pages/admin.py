"""The administrator's overview, classes and their members, and deleting an account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput
from learnloop.reports.admin_views import admin_overview, class_members
from learnloop.reports.class_views import classes_for
from learnloop.services.accounts import reset_password
from learnloop.services.classes import add_members, create_class_for, remove_member
from learnloop.services.erasure import delete_account
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, render, said

router = APIRouter(prefix="/admin")


def _page(
    request: Request, platform: Platform, viewer: Viewer, extra: dict[str, Any], status: int = 200
) -> Response:
    data = admin_overview(platform.db, viewer)
    context = {"a": data, "classes": classes_for(platform.db, viewer), **extra}
    return render(request, platform, "admin/index.html", context, viewer=viewer, status_code=status)


@router.get("", response_class=HTMLResponse)
def overview(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    return _page(request, platform, viewer, {})


@router.post("/accounts/delete", dependencies=[CsrfChecked])
def delete(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: Annotated[str, Form(max_length=64)] = "",
    confirm: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Delete an account and everything kept about the person (services.erasure)."""
    try:
        erased = delete_account(
            platform.db, viewer, username=username, confirm=confirm,
            public_url=platform.settings.public_url,
        )  # fmt: skip
    except InvalidInput as exc:
        extra = {
            "delete_error": said(request, platform, exc),
            "delete_field": exc.field,
            "delete_name": username,
        }
        return _page(request, platform, viewer, extra, 400)
    return _page(request, platform, viewer, {"deleted": erased})


@router.post("/classes", dependencies=[CsrfChecked])
def create_class(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    name: Annotated[str, Form(max_length=400)] = "",
    course: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        class_id = create_class_for(platform.db, viewer, name=name, course_slug=course)
    except InvalidInput as exc:
        extra = {
            "class_error": said(request, platform, exc),
            "class_field": exc.field,
            "class_name": name,
        }
        return _page(request, platform, viewer, extra, 400)
    return redirect(f"/admin/classes/{class_id}")


def _members_page(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    class_id: int,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    context = {"c": class_members(platform.db, viewer, class_id), **extra}
    return render(request, platform, "admin/class.html", context, viewer=viewer, status_code=status)


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def members(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    added: int = -1,
    removed: str = "",
) -> Response:
    return _members_page(request, platform, viewer, class_id, {"added": added, "removed": removed})


@router.post("/classes/{class_id}/members", dependencies=[CsrfChecked])
def add(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    usernames: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    try:
        done = add_members(platform.db, viewer, class_id=class_id, usernames=usernames)
    except InvalidInput as exc:
        extra = {"add_error": said(request, platform, exc), "usernames": usernames}
        return _members_page(request, platform, viewer, class_id, extra, 400)
    return redirect(f"/admin/classes/{class_id}?added={len(done.added)}")


@router.post("/classes/{class_id}/members/{user_id}/remove", dependencies=[CsrfChecked])
def remove(platform: PlatformDep, viewer: PageViewer, class_id: int, user_id: int) -> Response:
    username = remove_member(platform.db, viewer, class_id=class_id, user_id=user_id)
    return redirect(f"/admin/classes/{class_id}?removed={username}")


@router.post("/accounts/password-reset", dependencies=[CsrfChecked])
def password_reset(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """A one-time password for an account, shown on this page only; the person must change it."""
    try:
        password = reset_password(platform.db, platform.hasher, viewer, username=username)
    except InvalidInput as exc:
        return _page(request, platform, viewer, {"reset_error": said(request, platform, exc)}, 400)
    extra = {"reset": (username.strip(), password)}
    response = _page(request, platform, viewer, extra)
    response.headers["Cache-Control"] = "no-store"
    return response
