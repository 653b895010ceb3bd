"""A course's files edited in the browser (services.course_edits): the course page lists them,
each opens as text in an editor (at an item's line, from a learner's report of it), and saving
checks the whole course and stores it as a new version, as an upload does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.content.course_sources import starter_text
from learnloop.domain import Viewer
from learnloop.exceptions import Conflict, ContentError, InvalidInput
from learnloop.reports.course_sources import (
    CourseFile,
    course_file,
    course_files,
    first_objective,
)
from learnloop.services.course_edits import MAX_SOURCE_CHARS, NEW_FILE, NEW_PATH, edit_course_file
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.admin_courses import course_page
from learnloop.web.platform import Platform
from learnloop.web.rendering import problems, redirect, render, said

router = APIRouter(prefix="/admin")

Slug = Annotated[str, Path(max_length=64)]
FilePath = Annotated[str, Path(max_length=255)]


def _editor(
    request: Request, platform: Platform, viewer: Viewer, slug: str, file: CourseFile,
    extra: dict[str, Any], status: int = 200,
) -> Response:  # fmt: skip
    context = {"slug": slug, "file": file, "text": file.text, "base": file.digest, "line": None,
               "item": "", "problems": [], "conflict": False, "max_chars": MAX_SOURCE_CHARS,
               "opened_at": datetime.now(UTC), **extra}  # fmt: skip
    return render(request, platform, "admin/course_file.html", context, viewer=viewer,
                  status_code=status)  # fmt: skip


@router.get("/courses/{slug}/files/{path:path}", response_class=HTMLResponse)
def editor(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Slug,
    path: FilePath,
    line: Annotated[int | None, Query(ge=1)] = None,
    item: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The file as text to change; ``line`` and ``item``: where the question a report is about
    is written."""
    file = course_file(platform.db, viewer, slug, path)
    return _editor(request, platform, viewer, slug, file, {"line": line, "item": item})


@router.get("/courses/{slug}/new-file", response_class=HTMLResponse)
def new_file(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Slug,
    path: Annotated[str, Query(max_length=255)] = "",
) -> Response:
    """The editor for a file not there yet (activities/NAME.md or items/NAME.yaml), starting as
    the shape the course format gives; an existing one opens as itself."""
    files = {f.path: f for f in course_files(platform.db, viewer, slug)}
    if path in files:
        return redirect(f"/admin/courses/{slug}/files/{path}")
    if not NEW_PATH.fullmatch(path):
        error = InvalidInput(
            "path", "a new file is activities/NAME.md or items/NAME.yaml (letters, digits, - and _)"
        )
        return course_page(request, platform, viewer, slug,
                           {"file_error": said(request, platform, error), "new_path": path}, 400)  # fmt: skip
    text = starter_text(path, first_objective(platform.db, viewer, slug))
    blank = CourseFile(path, text, NEW_FILE)
    return _editor(request, platform, viewer, slug, blank, {"new": True})


def _file_or_new(platform: Platform, viewer: Viewer, slug: str, path: str, base: str) -> CourseFile:
    if base == NEW_FILE:
        return CourseFile(path, "", NEW_FILE)
    return course_file(platform.db, viewer, slug, path)


def _saved(
    request: Request, platform: Platform, viewer: Viewer, slug: str, path: str, text: str,
    base: str, *, removed: bool = False,
) -> Response:  # fmt: skip
    try:
        done = edit_course_file(
            platform.db, viewer, slug=slug, path=path, text=text, base=base,
            mastery=platform.default_mastery, public_url=platform.settings.public_url,
            removed=removed,
        )  # fmt: skip
    except Conflict as exc:
        extra = {"text": text, "problems": problems(request, platform, exc), "conflict": True}
        file = _file_or_new(platform, viewer, slug, path, base)  # read only to show it again
        return _editor(request, platform, viewer, slug, file, extra, 409)
    except (ContentError, InvalidInput) as exc:
        extra = {"text": text, "base": base, "problems": problems(request, platform, exc),
                 "new": base == NEW_FILE}  # fmt: skip
        file = _file_or_new(platform, viewer, slug, path, base)
        return _editor(request, platform, viewer, slug, file, extra, 400)
    news = {"upload": done, "removed_file" if removed else "edited": path}
    return course_page(request, platform, viewer, slug, news)


@router.post("/courses/{slug}/files/{path:path}", dependencies=[CsrfChecked])
def save(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Slug,
    path: FilePath,
    text: Annotated[str, Form(max_length=MAX_SOURCE_CHARS * 2)] = "",
    base: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Check the course with the file changed (or added) and store it as a new version; the
    course page then says what changed. Every problem is shown with its file and line, the text
    as sent kept in the editor, and nothing changes."""
    return _saved(request, platform, viewer, slug, path, text, base)


@router.post("/courses/{slug}/remove-file", dependencies=[CsrfChecked])
def remove(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Slug,
    path: Annotated[str, Form(max_length=255)] = "",
    base: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Drop a file from the course (an activity, an item file), checked as any change is: a
    course that still names what it held is refused with the lines that do."""
    return _saved(request, platform, viewer, slug, path, "", base, removed=True)
