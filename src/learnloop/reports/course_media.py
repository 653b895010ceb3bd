"""A course's media file, read for the pages (``web.pages.media``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from learnloop.domain import Viewer
from learnloop.exceptions import NotFound
from learnloop.storage import Database
from learnloop.storage.tables import Course, CourseMediaFile

__all__ = ["MediaContent", "media_file"]


@dataclass(frozen=True)
class MediaContent:
    content_type: str
    sha256: str
    content: bytes


def media_file(db: Database, viewer: Viewer, slug: str, path: str) -> MediaContent:
    """The file ``media/<path>`` of the course ``slug``, for any signed-in user: course text is
    what every learner may choose to follow, so its images are no more private than it is."""
    del viewer  # signed in is the whole rule (the caller's dependency checked it)
    with db.reading() as s:
        row = s.execute(
            select(CourseMediaFile.content_type, CourseMediaFile.sha256, CourseMediaFile.content)
            .join(Course, Course.id == CourseMediaFile.course_id)
            .where(Course.slug == slug, CourseMediaFile.path == path)
        ).first()
    if row is None:
        raise NotFound("no such media file")
    return MediaContent(row.content_type, row.sha256, row.content)
