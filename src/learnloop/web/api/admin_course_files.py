"""A course's files, read and changed one at a time from a script (admins; services.course_edits):
what the course page's editor does. A change is checked with the whole course and stored as a new
version, answered as an upload is; a change over one made since the file was read is 409."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from learnloop.reports.course_sources import course_file, course_files
from learnloop.services.course_edits import MAX_SOURCE_CHARS, edit_course_file
from learnloop.web.api.admin_courses import CourseUploadOut
from learnloop.web.deps import ApiAdmin, PlatformDep

router = APIRouter(prefix="/admin/courses/{slug}/files", tags=["admin"])

Slug = Annotated[str, Path(max_length=64)]
FilePath = Annotated[str, Path(max_length=255)]


class FileOut(BaseModel):
    path: str
    lines: int
    digest: str  # SHA-256 of its text: send it back as base with a change


class FileTextOut(FileOut):
    text: str


class FileIn(BaseModel):
    text: str = Field("", max_length=MAX_SOURCE_CHARS * 2)
    # the digest of the text the change was made to; "new" for a file not there yet
    # (activities/NAME.md or items/NAME.yaml)
    base: str = Field("", max_length=64)


@router.get("", response_model=list[FileOut])
def listed(platform: PlatformDep, viewer: ApiAdmin, slug: Slug) -> list[FileOut]:
    return [FileOut(path=f.path, lines=f.lines, digest=f.digest)
            for f in course_files(platform.db, viewer, slug)]  # fmt: skip


@router.get("/{path:path}", response_model=FileTextOut)
def read(platform: PlatformDep, viewer: ApiAdmin, slug: Slug, path: FilePath) -> FileTextOut:
    f = course_file(platform.db, viewer, slug, path)
    return FileTextOut(path=f.path, lines=f.lines, digest=f.digest, text=f.text)


@router.put("/{path:path}", response_model=CourseUploadOut)
def change(
    body: FileIn, platform: PlatformDep, viewer: ApiAdmin, slug: Slug, path: FilePath
) -> CourseUploadOut:
    """400 with ``issues`` (``file``, ``line``, ``message``) when the course so changed has
    problems, and nothing changes; 409 when the file changed since ``base``."""
    done = edit_course_file(
        platform.db, viewer, slug=slug, path=path, text=body.text, base=body.base,
        mastery=platform.default_mastery, public_url=platform.settings.public_url,
    )  # fmt: skip
    return CourseUploadOut.of(done)


@router.delete("/{path:path}", response_model=CourseUploadOut)
def remove(
    platform: PlatformDep, viewer: ApiAdmin, slug: Slug, path: FilePath,
    base: Annotated[str, Query(max_length=64)] = "",
) -> CourseUploadOut:  # fmt: skip
    """Take the file out of the course (``?base=`` its digest), checked as any change is: 400
    with ``issues`` while something still names what it held; course.yaml stays."""
    done = edit_course_file(
        platform.db, viewer, slug=slug, path=path, text="", base=base, removed=True,
        mastery=platform.default_mastery, public_url=platform.settings.public_url,
    )  # fmt: skip
    return CourseUploadOut.of(done)
