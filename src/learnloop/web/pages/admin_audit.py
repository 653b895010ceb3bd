"""The whole audit trail on the admin pages: searched by who, what, about what and when, a page
at a time, and downloaded as a spreadsheet (reports.audit_trail); the download is recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from learnloop.exceptions import InvalidInput
from learnloop.reports.audit_trail import AuditSearch, audit_table, audit_trail
from learnloop.services.class_downloads import record_audit_download
from learnloop.web.audit_query import AuditQueryDep
from learnloop.web.csv_download import csv_download
from learnloop.web.deps import PageViewer, PlatformDep
from learnloop.web.rendering import render, said

router = APIRouter(prefix="/admin")


@router.get("/audit", response_class=HTMLResponse)
def trail(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    query: AuditQueryDep,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """A GET form: searching changes nothing."""
    error, field = "", ""
    try:
        page = audit_trail(platform.db, viewer, query.search(), offset=offset)
    except InvalidInput as exc:
        error, field = said(request, platform, exc), exc.field
        page = audit_trail(platform.db, viewer, AuditSearch())
    context = {"t": page, "typed": query.typed(), "error": error, "field": field}
    return render(request, platform, "admin/audit.html", context, viewer=viewer,
                  status_code=400 if error else 200)  # fmt: skip


@router.get("/audit.csv")
def trail_csv(platform: PlatformDep, viewer: PageViewer, query: AuditQueryDep) -> StreamingResponse:
    """Every change the search finds, details whole; the download is on the trail too."""
    table = audit_table(platform.db, viewer, query.search())  # who may: checked here
    record_audit_download(platform.db, viewer, search=query.typed())
    return csv_download(table, datetime.now(UTC).date())
