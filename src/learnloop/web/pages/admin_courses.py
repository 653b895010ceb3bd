"""An administrator's courses: a course's page (what it holds, who uses it, its fitted models),
adding or updating a course by sending the zip of its folder, downloading that folder back, and grading its answers again after
an update changed how its questions grade (services.course_uploads)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from learnloop.domain import Role, Viewer
from learnloop.exceptions import ContentError, InvalidInput
from learnloop.reports.course_health import STALE_FIT_DAYS, course_health
from learnloop.reports.course_sources import course_files, course_source_archive, item_sources
from learnloop.reports.item_reports import course_item_reports
from learnloop.services.course_uploads import regrade_course_for, upload_course
from learnloop.storage.access import require_role
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep, sent_file
from learnloop.web.pages.admin import overview_page
from learnloop.web.platform import Platform
from learnloop.web.rendering import problems, render

router = APIRouter(prefix="/admin")

Slug = Annotated[str, Path(max_length=64)]


def course_page(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    slug: str,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    health = course_health(platform.db, viewer, slug)  # first: its NotFound names the course
    files = course_files(platform.db, viewer, slug)
    context = {"c": health, "stale_days": STALE_FIT_DAYS,
               "reports": course_item_reports(platform.db, viewer, slug), "report_error": None,
               "files": files, "edited": None, "removed_file": None, "file_error": None,
               "new_path": "", "item_sources": item_sources(files), **extra}  # fmt: skip
    return render(
        request, platform, "admin/course.html", context, viewer=viewer, status_code=status
    )


@router.get("/courses/{slug}", response_class=HTMLResponse)
def course(request: Request, platform: PlatformDep, viewer: PageViewer, slug: Slug) -> Response:
    return course_page(request, platform, viewer, slug, {})


@router.get("/courses/{slug}/source.zip")
def source(platform: PlatformDep, viewer: PageViewer, slug: Slug) -> Response:
    """The course folder as its authors wrote it, with its media, as a zip to change and send
    again."""
    name, data = course_source_archive(platform.db, viewer, slug)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.post("/courses", dependencies=[CsrfChecked])
def upload(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    archive: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Check and store the course in the zip: its page then says what changed; else the admin
    page lists every problem with its file and line, and nothing changed."""
    require_role(viewer, Role.ADMIN)
    data, filename = sent_file(archive)
    try:
        done = upload_course(
            platform.db, viewer, data, filename=filename, mastery=platform.default_mastery,
            public_url=platform.settings.public_url,
        )  # fmt: skip
    except (ContentError, InvalidInput) as exc:
        found = problems(request, platform, exc)
        return overview_page(request, platform, viewer, {"upload_problems": found}, 400)
    return course_page(request, platform, viewer, done.slug, {"upload": done})


@router.post("/courses/{slug}/regrade", dependencies=[CsrfChecked])
def regrade(request: Request, platform: PlatformDep, viewer: PageViewer, slug: Slug) -> Response:
    """Grade the course's answers again with its questions as they are now."""
    done = regrade_course_for(
        platform.db, viewer, slug=slug, public_url=platform.settings.public_url
    )
    return course_page(request, platform, viewer, slug, {"regraded": done})
