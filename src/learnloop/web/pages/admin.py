"""The administrator's overview."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.reports.admin_views import admin_overview
from learnloop.reports.class_views import classes_for
from learnloop.web.deps import PageViewer, PlatformDep
from learnloop.web.rendering import render

router = APIRouter(prefix="/admin")


@router.get("", response_class=HTMLResponse)
def overview(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    data = admin_overview(platform.db, viewer)
    context = {"a": data, "classes": classes_for(platform.db, viewer)}
    return render(request, platform, "admin/index.html", context, viewer=viewer)
