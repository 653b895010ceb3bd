"""The bytes of courses' media files (content.course_media) and the text of their source files
(content.course_sources). Part of the same schema as storage.tables, which exports them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base

__all__ = ["CourseMediaFile", "CourseSourceFile"]


class CourseMediaFile(Base):
    """One file of a course's media folder, as the course last imported had it. Stored in the
    database with the course, so every worker serves it and a backup holds it."""

    __tablename__ = "course_media"
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(255), primary_key=True)  # inside media/
    content_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))  # hex; the page's ETag
    content: Mapped[bytes] = mapped_column(LargeBinary)


class CourseSourceFile(Base):
    """One text file of a course folder (course.yaml, an activity, an item file) as the author
    wrote it when the course was last imported, comments included: what an administrator
    downloads to change the course and send it again (reports.course_sources)."""

    __tablename__ = "course_sources"
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(255), primary_key=True)  # in the course folder
    text: Mapped[str] = mapped_column(Text)
