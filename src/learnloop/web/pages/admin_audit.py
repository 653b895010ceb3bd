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
from learnloop.web.csv_download import csv_download
from learnloop.web.deps import PageViewer, PlatformDep
from learnloop.web.rendering import render, said

router = APIRouter(prefix="/admin")

Text = Annotated[str, Query(max_length=400)]


@router.get("/audit", response_class=HTMLResponse)
def trail(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    actor: Text = "",
    action: Text = "",
    subject: Text = "",
    since: Text = "",
    until: Text = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """A GET form: searching changes nothing."""
    typed = {"actor": actor, "action": action, "subject": subject, "since": since, "until": until}
    error, field = "", ""
    try:
        page = audit_trail(platform.db, viewer, AuditSearch.typed(actor, action, subject, since, until),
                           offset=offset)  # fmt: skip
    except InvalidInput as exc:
        error, field = said(request, platform, exc), exc.field
        page = audit_trail(platform.db, viewer, AuditSearch())
    context = {"t": page, "typed": typed, "error": error, "field": field}
    return render(request, platform, "admin/audit.html", context, viewer=viewer,
                  status_code=400 if error else 200)  # fmt: skip


@router.get("/audit.csv")
def trail_csv(
    platform: PlatformDep,
    viewer: PageViewer,
    actor: Text = "",
    action: Text = "",
    subject: Text = "",
    since: Text = "",
    until: Text = "",
) -> StreamingResponse:
    """Every change the search finds, details whole; the download is on the trail too."""
    search = AuditSearch.typed(actor, action, subject, since, until)
    table = audit_table(platform.db, viewer, search)  # who may: checked here
    typed = {"actor": actor, "action": action, "subject": subject, "since": since, "until": until}
    record_audit_download(platform.db, viewer, search=typed)
    return csv_download(table, datetime.now(UTC).date())
