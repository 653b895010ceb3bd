"""A course as the folder its authors wrote, for an administrator to download, change and send
again: its kept source files (content.course_sources) and media, zipped as content.course_archive
packs them. A course imported before learnloop kept sources has none until it is imported again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from learnloop.content.course_archive import pack_course_archive
from learnloop.content.course_sources import item_lines, text_digest
from learnloop.domain import Role, Viewer
from learnloop.exceptions import NotFound
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.course_store import course_by_slug
from learnloop.storage.tables import Course, CourseMediaFile, CourseSourceFile

__all__ = [
    "CourseFile",
    "course_file",
    "course_files",
    "course_source_archive",
    "first_objective",
    "item_sources",
]


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


@dataclass(frozen=True)
class CourseFile:
    path: str  # in the course folder: course.yaml, activities/NAME.md, items/NAME.yaml
    text: str
    digest: str  # text_digest(text)

    @property
    def lines(self) -> int:
        return self.text.count("\n") + (not self.text.endswith("\n"))


def _kept(s: Any, slug: str) -> dict[str, str]:
    course_id = s.scalar(select(Course.id).where(Course.slug == slug))
    if course_id is None:
        raise NotFound("there is no course %(slug)s", slug=repr(slug))
    return dict(
        s.execute(
            select(CourseSourceFile.path, CourseSourceFile.text)
            .where(CourseSourceFile.course_id == course_id)
            .order_by(CourseSourceFile.path)
        ).all()
    )


def course_files(db: Database, viewer: Viewer, slug: str) -> list[CourseFile]:
    """The course's kept source files, by path (admins); none for a course imported before
    learnloop kept them."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        return [CourseFile(p, text, text_digest(text)) for p, text in _kept(s, slug).items()]


def course_file(db: Database, viewer: Viewer, slug: str, path: str) -> CourseFile:
    """One of them, or NotFound."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        text = _kept(s, slug).get(path)
    if text is None:
        raise NotFound("%(slug)s has no file %(path)s", slug=slug, path=repr(path))
    return CourseFile(path, text, text_digest(text))


def item_sources(files: list[CourseFile]) -> dict[str, tuple[str, int]]:
    """Where each of the course's items is written: (file, line), for a link to fix it, in its
    files as ``course_files`` read them (the page reads them once for both)."""
    return item_lines({f.path: f.text for f in files})


def first_objective(db: Database, viewer: Viewer, slug: str) -> str:
    """The key of the course's first objective in prerequisite order: what a new file of the
    editor starts about."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        _, course = course_by_slug(s, slug)
    return next(iter(course.graph.topological_order), "")
