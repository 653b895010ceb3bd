"""Courses as any logged-in user may browse them."""

from __future__ import annotations

from sqlalchemy import select

from learnloop.domain import Course, Viewer
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_slug
from learnloop.storage.tables import Course as CourseRow

__all__ = ["course_catalogue", "course_detail"]


def course_catalogue(db: Database, viewer: Viewer) -> list[tuple[int, str, str]]:
    """Every course (id, slug, title): course content is not private to a class."""
    with db.reading() as s:
        return [
            (i, slug, title)
            for i, slug, title in s.execute(
                select(CourseRow.id, CourseRow.slug, CourseRow.title).order_by(CourseRow.title)
            )
        ]


def course_detail(db: Database, viewer: Viewer, slug: str) -> tuple[int, Course]:
    with db.reading() as s:
        return course_by_slug(s, slug)
