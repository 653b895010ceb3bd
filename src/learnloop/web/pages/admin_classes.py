"""A class's life on its admin page (services.class_lifecycle): rename it, end it when its run is
over, reopen it, delete it once ended. The members' part of the page is web.pages.admin's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput
from learnloop.services.class_lifecycle import delete_class, end_class, rename_class, reopen_class
from learnloop.services.courses import MAX_CLASS_NAME
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.admin import members_page, overview_page
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, said

router = APIRouter(prefix="/admin")


@router.post("/classes/{class_id}/rename", dependencies=[CsrfChecked])
def rename(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    name: Annotated[str, Form(max_length=2 * MAX_CLASS_NAME)] = "",
) -> Response:
    try:
        rename_class(platform.db, viewer, class_id=class_id, name=name)
    except InvalidInput as exc:
        extra = {"life_error": said(request, platform, exc), "new_name": name}
        return members_page(request, platform, viewer, class_id, extra, 400)
    return redirect(f"/admin/classes/{class_id}#life")


def _change(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    class_id: int,
    change: Callable[..., None],
) -> Response:
    """End or reopen the class; the page again, with why not when it was refused."""
    try:
        change(platform.db, viewer, class_id=class_id)
    except InvalidInput as exc:
        return members_page(
            request, platform, viewer, class_id, {"life_error": said(request, platform, exc)}, 400
        )
    return redirect(f"/admin/classes/{class_id}#life")


@router.post("/classes/{class_id}/end", dependencies=[CsrfChecked])
def end(request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    return _change(request, platform, viewer, class_id, end_class)


@router.post("/classes/{class_id}/reopen", dependencies=[CsrfChecked])
def reopen(request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    return _change(request, platform, viewer, class_id, reopen_class)


@router.post("/classes/{class_id}/delete", dependencies=[CsrfChecked])
def delete(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    confirm: Annotated[str, Form(max_length=2 * MAX_CLASS_NAME)] = "",
) -> Response:
    """Delete an ended class, its name typed again; the admin page answers, saying what went."""
    try:
        gone = delete_class(platform.db, viewer, class_id=class_id, confirm=confirm)
    except InvalidInput as exc:
        extra = {"delete_error": said(request, platform, exc)}
        return members_page(request, platform, viewer, class_id, extra, 400)
    return overview_page(request, platform, viewer, {"class_deleted": gone})
