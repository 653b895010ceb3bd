"""A learner's progress report on one page, to print or to hand to their family
(reports.progress_report): the learner's own, and the same for an educator of their class."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.domain import Viewer
from learnloop.reports.progress_report import class_progress_reports, progress_report
from learnloop.web.deps import PageViewer, PlatformDep
from learnloop.web.platform import Platform
from learnloop.web.rendering import render, wording_for

router = APIRouter()


def _page(
    request: Request, platform: Platform, viewer: Viewer, learner_id: int, class_id: int | None,
    back: str,
) -> Response:  # fmt: skip
    report = progress_report(platform.db, viewer, learner_id, class_id=class_id,
                             now=datetime.now(UTC), words=wording_for(request, platform))  # fmt: skip
    return render(request, platform, "progress_report.html", {"r": report, "back": back},
                  viewer=viewer)  # fmt: skip


@router.get("/learn/progress/report", response_class=HTMLResponse)
def own_report(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    return _page(request, platform, viewer, viewer.user_id, None, "/learn/progress")


@router.get("/teach/classes/{class_id}/learners/{learner_id}/report", response_class=HTMLResponse)
def learner_report(
    request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int, learner_id: int
) -> Response:
    back = f"/teach/classes/{class_id}/learners/{learner_id}"
    return _page(request, platform, viewer, learner_id, class_id, back)


@router.get("/teach/classes/{class_id}/reports", response_class=HTMLResponse)
def class_reports(
    request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int
) -> Response:
    """Every learner's report of the class, one a sheet when printed."""
    name, reports = class_progress_reports(platform.db, viewer, class_id, now=datetime.now(UTC),
                                           words=wording_for(request, platform))  # fmt: skip
    context = {"reports": reports, "class_name": name, "class_id": class_id}
    return render(request, platform, "progress_reports.html", context, viewer=viewer)
