"""The administrator's overview, and deleting an account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput
from learnloop.reports.admin_views import admin_overview
from learnloop.reports.class_views import classes_for
from learnloop.services.erasure import delete_account
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.platform import Platform
from learnloop.web.rendering import render

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
        extra = {"delete_error": exc.message, "delete_field": exc.field, "delete_name": username}
        return _page(request, platform, viewer, extra, 400)
    return _page(request, platform, viewer, {"deleted": erased})
