"""A course as the folder its authors wrote, for an administrator to download, change and send
again: its kept source files (content.course_sources) and media, zipped as content.course_archive
packs them. A course imported before learnloop kept sources has none until it is imported again."""

from __future__ import annotations

from sqlalchemy import select

from learnloop.content.course_archive import pack_course_archive
from learnloop.domain import Role, Viewer
from learnloop.exceptions import NotFound
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import Course, CourseMediaFile, CourseSourceFile

__all__ = ["course_source_archive"]


def course_source_archive(db: Database, viewer: Viewer, slug: str) -> tuple[str, bytes]:
    """(file name, zip bytes) of the course folder ``slug`` (admins)."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        course_id = s.scalar(select(Course.id).where(Course.slug == slug))
        if course_id is None:
            raise NotFound("there is no course %(slug)s", slug=repr(slug))
        sources = dict(
            s.execute(
                select(CourseSourceFile.path, CourseSourceFile.text).where(
                    CourseSourceFile.course_id == course_id
                )
            ).all()
        )
        if not sources:
            raise NotFound(
                "%(slug)s was imported before learnloop kept the course's files: import it once "
                "more from its folder to download it",
                slug=slug,
            )
        media = dict(
            s.execute(
                select(CourseMediaFile.path, CourseMediaFile.content).where(
                    CourseMediaFile.course_id == course_id
                )
            ).all()
        )
    return f"{slug}.zip", pack_course_archive(slug, sources, media)
